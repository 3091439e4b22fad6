namespace ActorCluster.Core.Jobs;

/// <summary>
/// What node <see cref="Node"/> finished in the time bucket that starts <see cref="OffsetMs"/> after the job's start
/// (<see cref="JobTimelineView.BucketMs"/> long): batches, items, the workers' busy time and the largest batch.
/// </summary>
public readonly record struct TimelineBucket(long OffsetMs, int Node, long Batches, long Items, long BusyMicros, long MaxBatchItems);
