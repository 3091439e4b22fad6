using ActorCluster.Abstractions;

namespace ActorCluster.Core.Jobs;

/// <summary>The workloads a node knows by name.</summary>
public sealed class WorkloadRegistry
{
    private readonly Dictionary<string, IWorkload> _byName;

    public WorkloadRegistry(IEnumerable<IWorkload> workloads)
    {
        _byName = new Dictionary<string, IWorkload>(StringComparer.Ordinal);
        foreach (var w in workloads)
        {
            if (!_byName.TryAdd(w.Name, w))
                throw new ArgumentException($"two workloads are named '{w.Name}'");
        }
    }

    /// <summary>Prepares a job or throws <see cref="WorkloadArgumentException"/> with a one-line reason.</summary>
    public IWorkloadJob Prepare(string workload, IReadOnlyList<string> args)
    {
        if (!_byName.TryGetValue(workload, out var w))
            throw new WorkloadArgumentException(
                $"unknown workload '{workload}' (known: {string.Join(", ", _byName.Keys.OrderBy(k => k))})");
        return w.Prepare(args);
    }
}
