namespace ActorCluster.Core.Jobs;

/// <summary>
/// A copy of a <see cref="JobTimeline"/> as a client gets it: the nodes (by index), the last batches in full
/// (oldest first; <see cref="BatchesTotal"/> counts every batch recorded, so <c>BatchesTotal - Batches.Count</c> are
/// only in the buckets), the per-node time buckets of <see cref="BucketMs"/> from <see cref="OriginUnixMs"/>, the last
/// failures (of <see cref="FailuresTotal"/>), and every change of a node's worker count (the last ones when there were
/// very many).
/// </summary>
public sealed record JobTimelineView(
    long OriginUnixMs,
    long BucketMs,
    IReadOnlyList<string> Nodes,
    long BatchesTotal,
    long ItemsTotal,
    int BatchCapacity,
    IReadOnlyList<TimelineBatch> Batches,
    IReadOnlyList<TimelineBucket> Buckets,
    long FailuresTotal,
    IReadOnlyList<TimelineFailure> Failures,
    IReadOnlyList<TimelineWorkers> Workers);
