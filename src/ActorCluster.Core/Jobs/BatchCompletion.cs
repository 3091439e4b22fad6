namespace ActorCluster.Core.Jobs;

/// <summary>
/// One batch an agent reports as run: its counted form and, when the workload gives them, its items' records (a <see cref="RecordBlock"/>);
/// for the job's task stream, the worker lane that ran it (-1: unknown) and when it started (Unix microseconds; 0: unknown, drawn at the job's start).
/// </summary>
public sealed record BatchCompletion(long BatchId, CountedRange Batch, byte[]? Records = null, int Worker = -1, long StartedAtMicros = 0);
