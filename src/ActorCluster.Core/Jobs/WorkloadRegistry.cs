using ActorCluster.Abstractions;

namespace ActorCluster.Core.Jobs;

/// <summary>The workloads a node knows by name, with their versions and whether this node runs their batches.</summary>
public sealed class WorkloadRegistry
{
    /// <summary>The version of every workload built into the product: all nodes of a cluster run the same build.</summary>
    public const string BuiltInVersion = "builtin";

    private readonly Dictionary<string, InstalledWorkload> _byName;

    /// <summary>Built-in workloads, all run here.</summary>
    public WorkloadRegistry(IEnumerable<IWorkload> workloads)
        : this(workloads.Select(w => new InstalledWorkload(w, BuiltInVersion)).ToList())
    {
    }

    private WorkloadRegistry(List<InstalledWorkload> workloads)
    {
        _byName = new Dictionary<string, InstalledWorkload>(StringComparer.Ordinal);
        foreach (var w in workloads)
        {
            if (!_byName.TryAdd(w.Workload.Name, w))
                throw new ArgumentException($"two workloads are named '{w.Workload.Name}'");
        }
    }

    /// <summary>Workloads with their versions and whether this node runs them (built-in ones with their opt-in, plugins).</summary>
    public static WorkloadRegistry Of(IEnumerable<InstalledWorkload> workloads) => new(workloads.ToList());

    public IEnumerable<InstalledWorkload> Installed => _byName.Values.OrderBy(w => w.Workload.Name, StringComparer.Ordinal);

    /// <summary>What this node's agent runs, as it tells the cluster.</summary>
    public IEnumerable<WorkloadId> RunsHere => Installed.Where(w => w.RunsHere).Select(w => w.Id);

    public InstalledWorkload? Find(string workload) => _byName.GetValueOrDefault(workload);

    /// <summary>The version of <paramref name="workload"/> on this node; null when this node does not know it.</summary>
    public string? VersionOf(string workload) => Find(workload)?.Version;

    /// <summary>Whether this node's agent runs batches of this very workload and version.</summary>
    public bool Runs(WorkloadId id) => Find(id.Name) is { RunsHere: true } w && w.Version == id.Version;

    /// <summary>Prepares a job or throws <see cref="WorkloadArgumentException"/> with a one-line reason.</summary>
    public IWorkloadJob Prepare(string workload, IReadOnlyList<string> args)
    {
        if (!_byName.TryGetValue(workload, out var w))
            throw new WorkloadArgumentException(
                $"unknown workload '{workload}' (known: {string.Join(", ", _byName.Keys.OrderBy(k => k, StringComparer.Ordinal))})");
        return w.Workload.Prepare(args);
    }
}
