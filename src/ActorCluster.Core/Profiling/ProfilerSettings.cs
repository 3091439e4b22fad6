namespace ActorCluster.Core.Profiling;

/// <summary>Where a setting came from, in precedence order: flag beats environment beats config beats detection.</summary>
public enum SettingSource { CommandLine, Environment, ConfigFile, AutoDetected }

/// <summary>A user error in a setting; the message names the setting and its source and is shown as is.</summary>
public sealed class SettingException(string message) : Exception(message);

/// <summary>One setting's value, and which source won (e.g. <c>--workers</c>, <c>MAX_WORKERS</c>) over which others.</summary>
public sealed record ResolvedSetting<T>(string Setting, T Value, SettingSource Source, string Origin)
{
    /// <summary>Lower-precedence sources that were set too and lost, e.g. <c>ACTORCLUSTER_WORKERS=8</c>.</summary>
    public IReadOnlyList<string> Shadowed { get; init; } = [];

    public bool IsSet => Source != SettingSource.AutoDetected;

    public string Describe()
    {
        var won = Source == SettingSource.AutoDetected ? "auto-detected" : $"{Origin} ({Sources.Describe(Source)})";
        return Shadowed.Count == 0 ? won : $"{won}, over {string.Join(", ", Shadowed)}";
    }
}

/// <summary>The profiler's settings after precedence; what a node runs with and what <c>actorcluster profile</c> prints.</summary>
public sealed record ProfilerSettings
{
    public required ResolvedSetting<ProfilerPolicy> Policy { get; init; }
    public required ResolvedSetting<int?> Workers { get; init; }
    public required ResolvedSetting<long?> ChunkSize { get; init; }
    public required ResolvedSetting<long?> MemoryLimitMb { get; init; }
    public required ResolvedSetting<int> IoLimit { get; init; }

    /// <summary>Everything auto-detected: what a node uses when nobody set anything.</summary>
    public static ProfilerSettings Default { get; } = new()
    {
        Policy = new("policy", ProfilerPolicy.Auto, SettingSource.AutoDetected, "profiler"),
        Workers = new("workers", null, SettingSource.AutoDetected, "profiler"),
        ChunkSize = new("chunk-size", null, SettingSource.AutoDetected, "profiler"),
        MemoryLimitMb = new("memory-limit-mb", null, SettingSource.AutoDetected, "profiler"),
        IoLimit = new("io-limit", WorkerPolicies.DefaultIoLimit, SettingSource.AutoDetected, "profiler"),
    };

    public long? MemoryLimitBytes => MemoryLimitMb.Value * 1024 * 1024;
}

public static class Sources
{
    public static string Describe(SettingSource source) => source switch
    {
        SettingSource.CommandLine => "command-line flag",
        SettingSource.Environment => "environment variable",
        SettingSource.ConfigFile => "config file",
        _ => "auto-detected",
    };
}
