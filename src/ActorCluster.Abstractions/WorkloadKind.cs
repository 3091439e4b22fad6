namespace ActorCluster.Abstractions;

/// <summary>What limits a workload's throughput; the resource profiler sizes worker pools from it.</summary>
public enum WorkloadKind
{
    CpuBound,
    IoBound,
    MemoryHeavy,
}
