namespace ActorCluster.Protocol;

// What one node tells about itself, for the dashboard's cluster view: asked of every member's /user/node-figures.

/// <summary>Ask a node for its <see cref="NodeFigures"/>.</summary>
public sealed record GetNodeFigures : IActorClusterMessage;

/// <summary>
/// One node's figures as it measures them: <see cref="Cores"/> the cores its profiler sees, the pool's target and
/// current size with the profiler's reason, CPU % of one core (200 = two busy cores) and batches/s since the previous
/// ask, the resident set, and <see cref="Pressure"/> <c>normal</c>, <c>shrinking</c> (pool capped) or <c>paused</c>.
/// A node without the worker role has no pool: <see cref="TargetWorkers"/> is 0 and <see cref="Pressure"/> <c>none</c>.
/// </summary>
public sealed record NodeFigures(
    string Address,
    double Cores,
    int TargetWorkers,
    int Workers,
    string PlanReason,
    double CpuPercent,
    long RssBytes,
    string Pressure,
    double BatchesPerSecond,
    long UptimeMs,
    int CreditsOutstanding) : IActorClusterMessage;
