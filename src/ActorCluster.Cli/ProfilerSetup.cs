using ActorCluster.Core.Profiling;
using ActorCluster.Node.Hosting;

namespace ActorCluster.Cli;

/// <summary>
/// Resolves the profiler's settings for `node` and `profile` alike, so both obey the same precedence:
/// flag > environment > config file (actorcluster.profiler in cluster-config/node.hocon or --config) > auto-detected.
/// </summary>
public static class ProfilerSetup
{
    /// <summary>Command-line flags that are profiler settings, shared by `node` and `profile`.</summary>
    public static readonly string[] Flags = ["policy", "workers", "chunk-size", "memory-limit-mb", "io-limit"];

    public const string FlagHelp = """
          --policy P           auto (default: each job's kind picks), cpu-bound, audio-analysis, sweep, io-bound,
                               memory-aware (env ACTORCLUSTER_POLICY)
          --workers N          worker pool size, overrides the policy (env ACTORCLUSTER_WORKERS, MAX_WORKERS)
          --chunk-size N       rows per batch for chunked workloads (env ACTORCLUSTER_CHUNK_SIZE)
          --memory-limit-mb N  memory this node may use; pools shrink above 80% of it, work stops above 95%
                               (env ACTORCLUSTER_MEMORY_LIMIT_MB, MEMORY_LIMIT_MB)
          --io-limit N         most io-bound workers per node (env ACTORCLUSTER_IO_LIMIT; default 45)
        """;

    public sealed record Resolved(ProfilerSettings Settings, NodePlanner Planner, ResourceSnapshot Snapshot, WorkerPlan DefaultPlan);

    /// <param name="command">Prefix of error messages (node, profile).</param>
    public static Resolved Resolve(CommandLine cl, string command, NodeConfigFile file, ResourceDetector detector)
    {
        var flags = Flags.Where(f => cl.Get(f) is not null).ToDictionary(f => f, f => cl.Get(f)!);
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
    public static NodeConfigFile LoadConfigFile(CommandLine cl, string command)
    {
        try
        {
            return NodeConfigFile.Load(cl.Get("config"));
        }
        catch (NodeConfigException e)
        {
            throw new UsageException($"{command}: {e.Message}");
        }
    }
}
