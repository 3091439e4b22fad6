using ActorCluster.Abstractions;

namespace ActorCluster.Core.Jobs;

/// <summary>
/// A workload a node knows: the code, its version, and whether this node's agent runs its batches. A node
/// that does not run a workload (exec without --allow-exec) still prepares and aggregates its jobs when it
/// coordinates them; <see cref="OptIn"/> tells a user who finds no node running it how to turn it on.
/// </summary>
public sealed record InstalledWorkload(IWorkload Workload, string Version, bool RunsHere = true, string? OptIn = null)
{
    public WorkloadId Id => new(Workload.Name, Version);
}
