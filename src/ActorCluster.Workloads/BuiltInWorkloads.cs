using ActorCluster.Abstractions;
using ActorCluster.Workloads.Csv;

namespace ActorCluster.Workloads;

/// <summary>The workloads every node ships with.</summary>
public static class BuiltInWorkloads
{
    public static IReadOnlyList<IWorkload> All { get; } = [new LfsrWorkload(), new SyntheticWorkload(), new MemhogWorkload(), new FilesWorkload(), new ExecWorkload(), new CsvWorkload()];
}
