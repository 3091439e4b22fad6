using ActorCluster.Core.Jobs;

namespace ActorCluster.Node.Jobs;

public sealed record CoordinatorSettings
{
    public BatchSizingOptions BatchSizing { get; init; } = new();

    /// <summary>How often a running job is announced again to every worker node (late joiners, lost messages).</summary>
    public TimeSpan ReannounceInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How many times one item range may fail before the job fails.</summary>
    public int MaxAttemptsPerBatch { get; init; } = 3;
}
