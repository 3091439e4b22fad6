namespace ActorCluster.Abstractions;

/// <summary>What limits a workload's throughput; the resource profiler sizes worker pools from it.</summary>
public enum WorkloadKind
{
    CpuBound,
    IoBound,
    MemoryHeavy,

    /// <summary>Per-file audio analysis: the profiler's audio policy, max(min(6, cpus), cpus/2) workers.</summary>
    AudioAnalysis,
}
