using System.Collections.Concurrent;
using System.Security.Cryptography;
using ActorCluster.Abstractions;

namespace ActorCluster.Core.Jobs;

/// <summary>
/// The workloads a node knows by name, with their versions (what nodes must agree on to share a job, and
/// what the result cache is scoped by) and whether this node runs their batches.
/// </summary>
public sealed class WorkloadRegistry
{
    private static readonly ConcurrentDictionary<System.Reflection.Assembly, string> AssemblyHashes = new();
    private readonly Dictionary<string, InstalledWorkload> _byName;

    /// <summary>Built-in workloads, all run here.</summary>
    public WorkloadRegistry(IEnumerable<IWorkload> workloads)
        : this(workloads.Select(w => BuiltIn(w)).ToList())
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

    /// <summary>
    /// A workload built into the product. Its version is the hash of the assembly that holds it, so nodes of one
    /// build agree, and a build that changes a workload's code does not reuse the results the old one cached.
    /// </summary>
    public static InstalledWorkload BuiltIn(IWorkload workload, bool runsHere = true, string? optIn = null) =>
        new(workload, AssemblyVersion(workload), runsHere, optIn);

    public IEnumerable<InstalledWorkload> Installed => _byName.Values.OrderBy(w => w.Workload.Name, StringComparer.Ordinal);

    /// <summary>What this node's agent runs, as it tells the cluster.</summary>
    public IEnumerable<WorkloadId> RunsHere => Installed.Where(w => w.RunsHere).Select(w => w.Id);

    public InstalledWorkload? Find(string workload) => _byName.GetValueOrDefault(workload);

    /// <summary>The version of <paramref name="workload"/> on this node; null when this node does not know it.</summary>
    public string? VersionOf(string workload) => Find(workload)?.Version;

    /// <summary>Whether this node's agent runs batches of this very workload and version.</summary>
    public bool Runs(WorkloadId id) => Find(id.Name) is { RunsHere: true } w && w.Version == id.Version;

    /// <summary>Prepares a job or throws <see cref="WorkloadArgumentException"/> with a one-line reason.</summary>
    public IWorkloadJob Prepare(string workload, IReadOnlyList<string> args) => Known(workload).Prepare(args);

    /// <summary>Rebuilds the job another node prepared, from its arguments and manifest, without listing anything.</summary>
    public IWorkloadJob Open(string workload, IReadOnlyList<string> args, ReadOnlyMemory<byte> manifest) => Known(workload).Open(args, manifest);

    /// <summary>The first 16 hex digits of the SHA-256 of the workload's assembly file (its module id when it has no file).</summary>
    public static string AssemblyVersion(IWorkload workload) =>
        AssemblyHashes.GetOrAdd(workload.GetType().Assembly, assembly =>
        {
            var location = assembly.Location;
            return string.IsNullOrEmpty(location) || !File.Exists(location)
                ? assembly.ManifestModule.ModuleVersionId.ToString("N")[..16]
                : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(location)))[..16].ToLowerInvariant();
        });

    private IWorkload Known(string workload) =>
        _byName.TryGetValue(workload, out var w)
            ? w.Workload
            : throw new WorkloadArgumentException(
                $"unknown workload '{workload}' (known: {string.Join(", ", _byName.Keys.OrderBy(k => k, StringComparer.Ordinal))})");
}
