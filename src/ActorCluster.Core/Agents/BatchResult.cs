using ActorCluster.Abstractions;

namespace ActorCluster.Core.Agents;

/// <summary>
/// One batch a worker ran: it finished with <see cref="Partial"/> (and its items' <see cref="Records"/>, a RecordBlock,
/// when the workload gives them), failed (<see cref="Error"/>) or was cancelled.
/// </summary>
public sealed record BatchResult(long BatchId, ItemRange Range, long BusyMicros, byte[]? Partial, string? Error, bool Cancelled, byte[]? Records = null);
