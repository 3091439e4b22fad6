namespace ActorCluster.Bench;

public sealed record MachineInfo(
    string Cpu, int LogicalCores, long MemoryBytes, string Os, string Runtime, string LoadAverageAtStart, string LoadAverageAtEnd,
    double BenchProcessSpinIterationsPerUs);
