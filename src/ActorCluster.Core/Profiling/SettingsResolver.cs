using System.Globalization;

namespace ActorCluster.Core.Profiling;

/// <summary>
/// Raw setting values from each source. Flag and config keys are the setting names
/// (<c>workers</c>, <c>chunk-size</c>, ...); <see cref="ConfigOrigin"/> names the file in messages.
/// </summary>
public sealed record SettingSources(
    IReadOnlyDictionary<string, string> Flags,
    Func<string, string?> Environment,
    IReadOnlyDictionary<string, string> Config,
    string ConfigOrigin = "cluster-config/node.hocon")
{
    public const string ConfigPrefix = "actorcluster.profiler";

    /// <summary>Per-key file names when the config comes from more than one file (a key's own file wins over <see cref="ConfigOrigin"/>).</summary>
    public IReadOnlyDictionary<string, string>? ConfigOrigins { get; init; }

    public static SettingSources None { get; } = new(new Dictionary<string, string>(), _ => null, new Dictionary<string, string>());

    public static SettingSources FromProcess(IReadOnlyDictionary<string, string> flags, IReadOnlyDictionary<string, string> config, string configOrigin) =>
        new(flags, name => System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null, config, configOrigin);
}

/// <summary>
/// The one place the precedence lives: command-line flag > environment variable > config file > auto-detected.
/// Every value that is present is validated, even one that loses: a typo in a shadowed source would
/// otherwise bite the day the winning source is removed. Nothing is returned half-resolved.
/// </summary>
public static class SettingsResolver
{
    public const int MaxWorkersPerCore = 64;
    public const int MaxWorkers = 4096;
    public const long MaxChunkSize = 100_000_000;

    public static readonly IReadOnlyList<string> WorkersEnv = ["ACTORCLUSTER_WORKERS", "MAX_WORKERS"];
    public static readonly IReadOnlyList<string> ChunkSizeEnv = ["ACTORCLUSTER_CHUNK_SIZE"];
    public static readonly IReadOnlyList<string> MemoryLimitEnv = ["ACTORCLUSTER_MEMORY_LIMIT_MB", "MEMORY_LIMIT_MB"];
    public static readonly IReadOnlyList<string> PolicyEnv = ["ACTORCLUSTER_POLICY"];
    public static readonly IReadOnlyList<string> IoLimitEnv = ["ACTORCLUSTER_IO_LIMIT"];

    /// <param name="machine">What "bigger than the machine" is measured against.</param>
    public static ProfilerSettings Resolve(SettingSources sources, ResourceSnapshot machine)
    {
        var maxWorkers = MaxWorkersOn(machine);
        var machineMb = new[] { machine.TotalMemoryBytes > 0 ? machine.TotalMemoryBytes : (long?)null, machine.CgroupMemoryLimitBytes }
            .Where(v => v is > 0).Select(v => v!.Value / (1024 * 1024)).DefaultIfEmpty(long.MaxValue).Min();

        return new ProfilerSettings
        {
            Policy = Resolve(sources, "policy", PolicyEnv, ProfilerPolicy.Auto, (raw, where) =>
                ProfilerPolicies.TryParse(raw, out var p) ? p : throw Invalid(where, $"must be one of {ProfilerPolicies.AllNames}", raw)),
            Workers = Resolve<int?>(sources, "workers", WorkersEnv, null, (raw, where) =>
                (int)Whole(raw, where, 1, maxWorkers, $"this machine's limit of {MaxWorkersPerCore} per logical core x {machine.LogicalCores}")),
            ChunkSize = Resolve<long?>(sources, "chunk-size", ChunkSizeEnv, null, (raw, where) => Whole(raw, where, 1, MaxChunkSize, null)),
            MemoryLimitMb = Resolve<long?>(sources, "memory-limit-mb", MemoryLimitEnv, null, (raw, where) =>
                Whole(raw, where, 1, machineMb, $"this machine's {machineMb} MB")),
            IoLimit = Resolve(sources, "io-limit", IoLimitEnv, WorkerPolicies.DefaultIoLimit, (raw, where) =>
                (int)Whole(raw, where, 1, MaxWorkers, null)),
        };
    }

    /// <summary>Most workers a node on <paramref name="machine"/> may run: what --workers is checked against, and any later pool-size change.</summary>
    public static int MaxWorkersOn(ResourceSnapshot machine) => Math.Min(MaxWorkers, MaxWorkersPerCore * Math.Max(1, machine.LogicalCores));

    private static ResolvedSetting<T> Resolve<T>(SettingSources sources, string setting, IReadOnlyList<string> envNames, T auto,
        Func<string, string, T> parse)
    {
        var candidates = new List<(SettingSource Source, string Origin, string Raw)>();
        if (sources.Flags.TryGetValue(setting, out var flag))
            candidates.Add((SettingSource.CommandLine, $"--{setting}", flag));
        foreach (var env in envNames)
        {
            if (sources.Environment(env) is { } value)
                candidates.Add((SettingSource.Environment, env, value));
        }
        if (sources.Config.TryGetValue(setting, out var config))
            candidates.Add((SettingSource.ConfigFile,
                $"{SettingSources.ConfigPrefix}.{setting} in {(sources.ConfigOrigins?.GetValueOrDefault(setting) ?? sources.ConfigOrigin)}", config));

        var parsed = candidates.Select(c => (c.Source, c.Origin, c.Raw, Value: parse(c.Raw, $"{c.Origin} ({Sources.Describe(c.Source)})"))).ToList();
        if (parsed.Count == 0)
            return new ResolvedSetting<T>(setting, auto, SettingSource.AutoDetected, "profiler");
        var winner = parsed[0];
        return new ResolvedSetting<T>(setting, winner.Value, winner.Source, winner.Origin)
        {
            Shadowed = parsed.Skip(1).Select(p => $"{p.Origin}={p.Raw}").ToList(),
        };
    }

    private static long Whole(string raw, string where, long min, long max, string? maxMeaning)
    {
        if (!long.TryParse(raw.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw Invalid(where, "must be a whole number", raw);
        if (value < min)
            throw Invalid(where, $"must be at least {min}", raw);
        if (value > max)
            throw Invalid(where, maxMeaning is null ? $"must be at most {max}" : $"must be at most {max} ({maxMeaning})", raw);
        return value;
    }

    private static SettingException Invalid(string where, string rule, string raw) => new($"{where} {rule}, got '{raw}'");
}
