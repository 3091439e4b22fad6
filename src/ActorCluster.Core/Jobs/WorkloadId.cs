namespace ActorCluster.Core.Jobs;

/// <summary>
/// A workload as a node can run it: its name and the version of its code. Built-in workloads are
/// versioned by the hash of their assembly (<see cref="WorkloadRegistry.BuiltIn"/>); a plugin's version is the SHA-256 of its assembly, so two
/// nodes agree on a plugin only when they hold the same bytes.
/// </summary>
public readonly record struct WorkloadId(string Name, string Version)
{
    /// <summary>A version short enough for a log line or an error: a plugin's hash cut to 12 hex digits.</summary>
    public string ShortVersion => Version.Length > 12 ? Version[..12] : Version;

    public override string ToString() => $"{Name}@{ShortVersion}";
}
