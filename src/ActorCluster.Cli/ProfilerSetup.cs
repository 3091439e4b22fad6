using System.CommandLine;
using ActorCluster.Admin.CommandLine;
using ActorCluster.Core.Profiling;
using ActorCluster.Node.Hosting;

namespace ActorCluster.Cli;

/// <summary>
/// Resolves the profiler's settings for `node` and `profile` alike, so both obey the same precedence:
/// flag > environment > config file (actorcluster.profiler in cluster-config/node.hocon or --config) > auto-detected.
/// </summary>
public static class ProfilerSetup
{
    /// <summary>The profiler's settings as flags of `node` and `profile`: name (without dashes), value name, description.</summary>
    private static readonly (string Name, string ValueName, string Description)[] Settings =
    [
        ("policy", "P", "auto (default: each job's kind picks), cpu-bound, audio-analysis, sweep, io-bound, memory-aware (env ACTORCLUSTER_POLICY)"),
        ("workers", "N", "worker pool size, overrides the policy (env ACTORCLUSTER_WORKERS, MAX_WORKERS)"),
        ("chunk-size", "N", "most items per batch this node takes; the sweep policy derives one from memory (env ACTORCLUSTER_CHUNK_SIZE)"),
        ("memory-limit-mb", "N", "memory this node may use; pools shrink above 80% of it, work stops above 95% (env ACTORCLUSTER_MEMORY_LIMIT_MB, MEMORY_LIMIT_MB)"),
        ("io-limit", "N", "most io-bound workers per node (env ACTORCLUSTER_IO_LIMIT; default 45)"),
    ];

    /// <summary>Names of the profiler settings, as flags (without dashes) and as keys under actorcluster.profiler.</summary>
    private static readonly string[] Flags = Settings.Select(s => s.Name).ToArray();

    public const string Precedence =
        "resource profiler settings: flag > environment > actorcluster.profiler in the config file > auto-detected (see `actorcluster profile`)";

    /// <summary>One option per profiler setting; SettingsResolver checks the values, the same way for flags, environment and config.</summary>
    public static IReadOnlyList<Option<string?>> CreateOptions() =>
        Settings.Select(s => CliOption.Text("--" + s.Name, s.ValueName, s.Description))
            .Select(o => o.Name == "--policy" ? o.Completes(["auto", .. ProfilerPolicies.Concrete.Select(p => p.Name())]) : o)
            .ToList();

    /// <summary>The profiler flags given on the command line, by name without dashes.</summary>
    public static Dictionary<string, string> Given(ParseResult parsed, IEnumerable<Option<string?>> options) =>
        options.Where(o => parsed.GetValue(o) is not null).ToDictionary(o => o.Name[2..], o => parsed.GetValue(o)!);

    public sealed record Resolved(ProfilerSettings Settings, NodePlanner Planner, ResourceSnapshot Snapshot, WorkerPlan DefaultPlan);

    /// <param name="command">Prefix of error messages (node, profile).</param>
    /// <param name="flags">The profiler flags given, from <see cref="Given"/>.</param>
    public static Resolved Resolve(IReadOnlyDictionary<string, string> flags, string command, NodeConfigFile file, ResourceDetector detector)
    {
        var (config, origins) = file.Section(SettingSources.ConfigPrefix, Flags);
        var snapshot = detector.Detect();
        ProfilerSettings settings;
        try
        {
            settings = SettingsResolver.Resolve(
                SettingSources.FromProcess(flags, config, NodeConfigFile.ShippedName) with { ConfigOrigins = origins }, snapshot);
        }
        catch (SettingException e)
        {
            throw new UsageException($"{command}: {e.Message}");
        }
        var planner = new NodePlanner(settings);
        // Before any job arrives a node sizes its pool for CPU-bound work, the common and the safe case.
        var defaultPlan = planner.PlanFor(snapshot, WorkloadTraits.CpuBound);
        return new Resolved(settings, planner, planner.Apply(snapshot), defaultPlan);
    }

    /// <summary>The shipped node.hocon with --config over it, for `node` and `profile` alike.</summary>
    /// <param name="command">Prefix of error messages (node, profile).</param>
    public static NodeConfigFile LoadConfigFile(string? configPath, string command)
    {
        try
        {
            return NodeConfigFile.Load(configPath);
        }
        catch (NodeConfigException e)
        {
            throw new UsageException($"{command}: {e.Message}");
        }
    }
}
