using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;
using ActorCluster.Core.Profiling;
using ActorCluster.Node.Agents;
using ActorCluster.Node.Hosting;
using ActorCluster.Node.Jobs;
using ActorCluster.Workloads;

namespace ActorCluster.Cli;

/// <summary><c>actorcluster node</c>: starts a cluster node and runs until Ctrl+C / SIGTERM, then leaves gracefully.</summary>
public static class NodeCommand
{
    public const string Help = """
        actorcluster node [options]
          --host HOST          address to bind (env CLUSTER_IP; default 127.0.0.1)
          --public-host HOST   address other nodes use to reach this one, if different
          --port PORT          port to bind, 0 = any free port (env CLUSTER_PORT; default 4053)
          --seed HOST:PORT     seed node to join, repeatable (env CLUSTER_SEEDS, comma-separated);
                               without seeds the node founds a new cluster
          --roles R1,R2        coordinator, worker (default both)
          --workers N          worker pool size, overrides the profiler (env ACTORCLUSTER_WORKERS)
          --prefetch N         batches asked for beyond idle workers (default 2)
          --max-batch-size N   largest batch, in items, that job coordinators on this node hand out
                               (default 5000000; 1 = one item per batch, e.g. to measure hand-out capacity)
          --data-dir DIR       where this node keeps its data (default ./data)
          --config FILE        extra HOCON, overriding cluster-config/node.hocon
        """;

    private static readonly HashSet<string> Valued = ["host", "public-host", "port", "seed", "roles", "workers", "prefetch", "max-batch-size", "data-dir", "config"];

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var cl = CommandLine.Parse(args, "node", Valued, new HashSet<string>());
        if (cl.Rest.Count > 0)
            throw new UsageException($"node: unexpected argument '{cl.Rest[0]}'");
        var settings = ResolveSettings(cl);
        var hocon = LoadHocon(cl.Get("config"));
        Directory.CreateDirectory(settings.DataDir);

        var registry = new WorkloadRegistry(BuiltInWorkloads.All);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka(NodeSettings.SystemName, (akka, _) => akka.WithActorClusterNode(settings, registry, hocon));
        using var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"error: node could not start: {Unwrap(e).Message}");
            return 1;
        }

        var system = host.Services.GetRequiredService<ActorSystem>();
        var cluster = Cluster.Get(system);
        Console.WriteLine($"node starting at {cluster.SelfAddress} roles={string.Join(',', settings.Roles)} " +
                          $"workers={settings.Agent.Workers} ({settings.Agent.PlanReason}) seeds={(settings.Seeds.Count == 0 ? "self" : string.Join(',', settings.Seeds))}");
        cluster.RegisterOnMemberUp(() => Console.WriteLine($"node up: {cluster.SelfAddress}"));
        // When the cluster downs this node, Akka terminates the actor system: end the process too.
        _ = system.WhenTerminated.ContinueWith(_ => host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication());
        await host.WaitForShutdownAsync();
        Console.WriteLine("node stopped");
        return 0;
    }

    public static NodeSettings ResolveSettings(CommandLine cl)
    {
        var host = cl.Get("host") ?? Env("CLUSTER_IP") ?? "127.0.0.1";
        var port = cl.GetInt("port", "node", 0, 65535) ?? EnvInt("CLUSTER_PORT", 0, 65535) ?? NodeSettings.DefaultPort;
        var roles = (cl.Get("roles") ?? "coordinator,worker").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var role in roles)
        {
            if (role is not ("coordinator" or "worker"))
                throw new UsageException($"node: unknown role '{role}' (known: coordinator, worker)");
        }
        if (roles.Length == 0)
            throw new UsageException("node: --roles needs at least one role");

        var plan = PlanWorkers(cl);
        return new NodeSettings
        {
            Host = host,
            PublicHost = cl.Get("public-host"),
            Port = port,
            Seeds = Seeds.Resolve(cl, "node"),
            Roles = roles,
            DataDir = cl.Get("data-dir") ?? "data",
            Agent = new NodeAgentSettings
            {
                Workers = plan.PoolSize,
                PlanReason = plan.Reason,
                Prefetch = cl.GetInt("prefetch", "node", 0, 1024) ?? 2,
            },
            Coordinator = CoordinatorSettingsFrom(cl),
        };
    }

    /// <summary>Coordinator settings a node's flags may change; everything else keeps its default.</summary>
    public static CoordinatorSettings CoordinatorSettingsFrom(CommandLine cl)
    {
        var defaults = new CoordinatorSettings();
        if (cl.GetInt("max-batch-size", "node", 1, int.MaxValue) is not { } max)
            return defaults;
        return defaults with
        {
            BatchSizing = defaults.BatchSizing with
            {
                MaxBatchSize = max,
                // The first batches are sized before any measurement; they must respect the cap too.
                InitialBatchSize = Math.Min(defaults.BatchSizing.InitialBatchSize, max),
            },
        };
    }

    /// <summary>Worker pool size: --workers beats ACTORCLUSTER_WORKERS beats the profiler.</summary>
    public static WorkerPlan PlanWorkers(CommandLine cl)
    {
        WorkerOverride? userOverride = null;
        if (cl.GetInt("workers", "node", 1, 4096) is { } flag)
            userOverride = new WorkerOverride(flag, SettingSource.CommandLine, "--workers");
        else if (EnvInt("ACTORCLUSTER_WORKERS", 1, 4096) is { } env)
            userOverride = new WorkerOverride(env, SettingSource.Environment, "ACTORCLUSTER_WORKERS");
        return WorkerPolicies.PlanFor(new ResourceDetector().Detect(), WorkloadKind.CpuBound, userOverride);
    }

    private static string? LoadHocon(string? configPath)
    {
        var parts = new List<string>();
        if (configPath is not null)
        {
            if (!File.Exists(configPath))
                throw new UsageException($"node: --config file '{configPath}' does not exist");
            parts.Add(File.ReadAllText(configPath));
        }
        var shipped = Path.Combine(AppContext.BaseDirectory, "cluster-config", "node.hocon");
        if (File.Exists(shipped))
            parts.Add(File.ReadAllText(shipped));
        return parts.Count == 0 ? null : string.Join("\n", parts.AsEnumerable().Reverse());
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    private static int? EnvInt(string name, int min, int max)
    {
        var raw = Env(name);
        if (raw is null) return null;
        if (!int.TryParse(raw, out var value) || value < min || value > max)
            throw new UsageException($"node: environment variable {name} must be a whole number from {min} to {max}, got '{raw}'");
        return value;
    }

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerException: { } inner } ? Unwrap(inner) : e.InnerException is { } i && e is TypeInitializationException ? i : e;
}
