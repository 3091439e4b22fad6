namespace ActorCluster.Abstractions;

/// <summary>
/// What one batch produced: the partial result the job's aggregator merges, and optionally one record per
/// item of the batch, in item order (a JSON object per item, e.g. a file's hash or a command's exit code),
/// which end up in the job's <c>results.jsonl</c>. A workload with no per-item records returns its partial
/// alone (the implicit conversion from <c>byte[]</c>).
/// </summary>
public sealed record BatchOutput(byte[] Partial, IReadOnlyList<string>? Records = null)
{
    public static implicit operator BatchOutput(byte[] partial) => new(partial);
}
