using ActorCluster.Core.Jobs;

namespace ActorCluster.Node.Jobs;

public sealed record CoordinatorSettings
{
    public BatchSizingOptions BatchSizing { get; init; } = new();

    /// <summary>How often a running job is announced again to every worker node (late joiners, lost messages).</summary>
    public TimeSpan ReannounceInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How many times one item range may fail before the job fails.</summary>
    public int MaxAttemptsPerBatch { get; init; } = 3;

    /// <summary>
    /// A snapshot after this many journal events keeps recovery of a long job fast. Events (one per
    /// completion message), not batches: at tens of thousands of tiny batches a second, a snapshot per 500
    /// batches meant dozens of snapshot writes and deletes a second.
    /// </summary>
    public int SnapshotEvery { get; init; } = 500;

    /// <summary>An ended job's coordinator stops after this long without questions; it is recovered on demand.</summary>
    public TimeSpan EndedJobIdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often watchers of a running job hear its progress (only when it changed).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A watch lapses unless renewed within this long; clients renew well before (see JobFollower).</summary>
    public TimeSpan WatchLease { get; init; } = TimeSpan.FromSeconds(60);
}
