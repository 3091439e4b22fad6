namespace ActorCluster.Core.Jobs;

/// <summary>One batch an agent reports as run: its counted form and, when the workload gives them, its items' records (a <see cref="RecordBlock"/>).</summary>
public sealed record BatchCompletion(long BatchId, CountedRange Batch, byte[]? Records = null);
