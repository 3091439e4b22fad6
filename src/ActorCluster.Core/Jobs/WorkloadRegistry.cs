using System.Collections.Concurrent;
using System.Security.Cryptography;
using ActorCluster.Abstractions;

namespace ActorCluster.Core.Jobs;

/// <summary>The workloads a node knows by name, and each one's version (what the result cache is scoped by).</summary>
public sealed class WorkloadRegistry
{
    private static readonly ConcurrentDictionary<System.Reflection.Assembly, string> AssemblyHashes = new();
    private readonly Dictionary<string, IWorkload> _byName;
    private readonly Func<IWorkload, string> _versionOf;

    /// <param name="versionOf">
    /// A workload's version; by default <see cref="AssemblyVersion"/>, the hash of the assembly that holds it
    /// (for built-ins the Workloads assembly). A plugin loader passes the hash it recorded for the plugin's DLL.
    /// </param>
    public WorkloadRegistry(IEnumerable<IWorkload> workloads, Func<IWorkload, string>? versionOf = null)
    {
        _versionOf = versionOf ?? AssemblyVersion;
        _byName = new Dictionary<string, IWorkload>(StringComparer.Ordinal);
        foreach (var w in workloads)
        {
            if (!_byName.TryAdd(w.Name, w))
                throw new ArgumentException($"two workloads are named '{w.Name}'");
        }
    }

    /// <summary>Prepares a job or throws <see cref="WorkloadArgumentException"/> with a one-line reason.</summary>
    public IWorkloadJob Prepare(string workload, IReadOnlyList<string> args) => Find(workload).Prepare(args);

    /// <summary>Rebuilds the job another node prepared, from its arguments and manifest, without listing anything.</summary>
    public IWorkloadJob Open(string workload, IReadOnlyList<string> args, ReadOnlyMemory<byte> manifest) => Find(workload).Open(args, manifest);

    public string VersionOf(string workload) => _versionOf(Find(workload));

    /// <summary>The first 16 hex digits of the SHA-256 of the workload's assembly file (its module id when it has no file).</summary>
    public static string AssemblyVersion(IWorkload workload) =>
        AssemblyHashes.GetOrAdd(workload.GetType().Assembly, assembly =>
        {
            var location = assembly.Location;
            return string.IsNullOrEmpty(location) || !File.Exists(location)
                ? assembly.ManifestModule.ModuleVersionId.ToString("N")[..16]
                : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(location)))[..16].ToLowerInvariant();
        });

    private IWorkload Find(string workload) =>
        _byName.TryGetValue(workload, out var w)
            ? w
            : throw new WorkloadArgumentException($"unknown workload '{workload}' (known: {string.Join(", ", _byName.Keys.OrderBy(k => k))})");
}
