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
    /// Average size of one item's input (files for io-bound work); 0 = unknown, treated as small. Only
    /// `actorcluster profile --item-mb` sets it today: no workload declares item sizes until the workloads
    /// issue gives jobs a manifest with them.
    /// </summary>
    public long AverageItemBytes { get; init; }

    /// <summary>Bytes one row of a sweep occupies, for the chunk size.</summary>
    public long BytesPerRow { get; init; } = WorkerPolicies.DefaultBytesPerRow;

    public static WorkloadTraits CpuBound { get; } = new(Abstractions.WorkloadKind.CpuBound);
}
