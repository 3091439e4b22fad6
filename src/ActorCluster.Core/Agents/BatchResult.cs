using ActorCluster.Abstractions;

namespace ActorCluster.Core.Agents;

/// <summary>
/// One batch a worker ran: it finished with <see cref="Partial"/> (and its items' <see cref="Records"/>, a RecordBlock,
/// when the workload gives them), failed (<see cref="Error"/>) or was cancelled. <see cref="Worker"/> is the lane of
/// the worker that ran it and <see cref="StartedAtMicros"/> when (Unix microseconds), for the job's task stream.
/// </summary>
public sealed record BatchResult(long BatchId, ItemRange Range, long BusyMicros, byte[]? Partial, string? Error, bool Cancelled, byte[]? Records = null,
    int Worker = -1, long StartedAtMicros = 0);
