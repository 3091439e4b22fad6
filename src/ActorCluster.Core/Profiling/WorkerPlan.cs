namespace ActorCluster.Core.Profiling;

/// <summary>
/// What a policy decided for one workload on one node: the pool size, optionally a chunk size (rows per
/// batch) and the memory each worker may use, and the one-line reason printed at start-up and in report.json.
/// </summary>
public sealed record WorkerPlan(int PoolSize, string Policy, string Reason)
{
    /// <summary>Most items (rows) per batch the node takes of this job, told to its coordinator with every request for work; null = no bound.</summary>
    public long? ChunkSize { get; init; }

    /// <summary>
    /// Memory one worker may use before the node reaches its high-water mark; 0 = unknown. Printed by
    /// `actorcluster profile`; nothing enforces it yet: the workloads issue sizes items against it.
    /// </summary>
    public long MemoryBudgetPerWorkerBytes { get; init; }

    public override string ToString() => $"{PoolSize} workers ({Reason})";
}

/// <summary>What a policy needs to know about a workload: its kind and its appetite for memory and I/O.</summary>
public sealed record WorkloadTraits(Abstractions.WorkloadKind Kind, long MemoryPerItemBytes = 0)
{
    /// <summary>
    /// The typical size of one item's input (files for io-bound work); 0 = unknown, treated as small. From a job's
    /// item sizes it is the byte-weighted median (<see cref="Of"/>); `actorcluster profile --item-mb` sets it by hand.
    /// </summary>
    public long AverageItemBytes { get; init; }

    /// <summary>
    /// A job's traits from its kind, declared memory per item and, when it has them, its items' sizes. The size that
    /// counts is the one of the item holding the median byte: when most of the bytes are in a few 2 GB files, the
    /// pool is sized for those, however many tiny files there are besides.
    /// </summary>
    public static WorkloadTraits Of(Abstractions.WorkloadKind kind, long memoryPerItemBytes, IReadOnlyList<long>? itemSizes) =>
        new(kind, memoryPerItemBytes) { AverageItemBytes = itemSizes is null ? 0 : ByteWeightedMedian(itemSizes) };

    /// <summary>The size of the item that holds the middle byte of all items laid end to end, smallest first.</summary>
    public static long ByteWeightedMedian(IReadOnlyList<long> sizes)
    {
        if (sizes.Count == 0) return 0;
        var sorted = sizes.Select(s => Math.Max(0, s)).Order().ToArray();
        var total = sorted.Sum(s => (decimal)s);
        if (total == 0) return 0;
        decimal seen = 0;
        foreach (var size in sorted)
        {
            seen += size;
            if (seen * 2 >= total) return size;
        }
        return sorted[^1];
    }

    /// <summary>Bytes one row of a sweep occupies, for the chunk size.</summary>
    public long BytesPerRow { get; init; } = WorkerPolicies.DefaultBytesPerRow;

    public static WorkloadTraits CpuBound { get; } = new(Abstractions.WorkloadKind.CpuBound);
}
