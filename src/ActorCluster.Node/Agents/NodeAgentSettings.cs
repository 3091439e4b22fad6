using ActorCluster.Core.Agents;
using ActorCluster.Core.Profiling;

namespace ActorCluster.Node.Agents;

public sealed record NodeAgentSettings
{
    /// <summary>Size of the worker pool (from the resource profiler or the user's override).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>
    /// Batches asked for beyond the idle workers, so a worker never waits a network round trip for its
    /// next batch. Small on purpose: every prefetched batch is one more to re-run if this node dies.
    /// </summary>
    public int Prefetch { get; init; } = 2;

    /// <summary>The reason the pool has its size, shown at start-up and in report.json.</summary>
    public string PlanReason { get; init; } = "";

    /// <summary>After this long without an answer to a credit request, the agent re-sends its credits as a resync.</summary>
    public TimeSpan ResyncAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Dispatcher of the workers: dedicated threads, never the one carrying cluster heartbeats.</summary>
    public string WorkerDispatcher { get; init; } = "actorcluster.worker-dispatcher";

    /// <summary>What run-time requests are clamped to or refused by: pool-size changes and each job's memory per item.</summary>
    public NodeBounds Bounds { get; init; } = NodeBounds.Unknown;

    /// <summary>Plans a pool for each job from its kind and memory estimate; null = every job runs on a fixed pool of <see cref="Workers"/>.</summary>
    public NodePlanner? Planner { get; init; }

    /// <summary>Takes a resource snapshot; a <see cref="ResourceSampler"/> calls it every <see cref="SampleInterval"/>. Null = no sampling.</summary>
    public Func<ResourceSnapshot>? Sample { get; init; }

    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Memory use at which the pool shrinks, grows back and stops asking for work.</summary>
    public PressureThresholds Pressure { get; init; } = PressureThresholds.Default;

    /// <summary>The plan of every job on a node without a profiler: the pool of <see cref="Workers"/>.</summary>
    public WorkerPlan FixedPlan => new(Math.Max(1, Workers), "fixed", PlanReason is { Length: > 0 } reason ? reason : $"{Workers} workers");
}
