namespace ActorCluster.Core.Jobs;

/// <summary>
/// How a node runs a job: the profiler's plan and its reason, the node's peak resident memory and mean CPU
/// use while the job ran, and every pool resize in that time. It goes into report.json per node.
/// </summary>
public sealed record NodeJobUsage(string Policy, int Workers, string Reason, long PeakRssBytes, double CpuPercent, IReadOnlyList<PoolResize> Resizes);
