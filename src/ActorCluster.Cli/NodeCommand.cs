using ActorCluster.Protocol;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ActorCluster.Core.Jobs;
using ActorCluster.Core.Profiling;
using ActorCluster.Admin.Hosting;
using ActorCluster.Node.Admin;
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
          --public-host HOST   address other nodes use to reach this one, if different (env CLUSTER_PUBLIC_HOST;
                               default when bound to 0.0.0.0: this machine's host name)
          --port PORT          port to bind, 0 = any free port (env CLUSTER_PORT; default 4053)
          --seed HOST:PORT     seed node to join, repeatable (env CLUSTER_SEEDS, comma-separated);
                               without seeds the node founds a new cluster
          --roles R1,R2        coordinator, worker (default both)
          --prefetch N         batches asked for beyond idle workers (default 2)
          --max-batch-size N   largest batch, in items, that job coordinators on this node hand out
                               (default 5000000; 1 = one item per batch, e.g. to measure hand-out capacity)
          --data-dir DIR       where this node keeps its data (default ./data)
          --db STORE           job store (env ACTORCLUSTER_DB, config actorcluster.db): sqlite:PATH, or a PostgreSQL connection
                               string "Host=...;Database=...;Username=...;Password=..." (or postgres://...).
                               Default: SQLite DIR/actorcluster.db. Coordinators fail over between nodes
                               only through a shared store: one SQLite file on one machine, PostgreSQL across machines.
          --config FILE        extra HOCON, overriding cluster-config/node.hocon
          --admin-host HOST    address of the pbm command host (default 127.0.0.1); anything but
                               loopback requires env ACTORCLUSTER_ADMIN_TOKEN
          --admin-port PORT    port of the pbm command host (default 9110; 0 = any free port;
                               off = no command host). If the default port is taken the node runs
                               without a command host; a port given here must be free.
        resource profiler (flag > environment > actorcluster.profiler in the config file > auto-detected;
        see `actorcluster profile`):
        """ + ProfilerSetup.FlagHelp;

    private static readonly HashSet<string> Valued = ["host", "public-host", "port", "seed", "roles", "prefetch", "max-batch-size", "data-dir", "config", "db", "admin-host", "admin-port", .. ProfilerSetup.Flags];

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var cl = CommandLine.Parse(args, "node", Valued, new HashSet<string>());
        if (cl.Rest.Count > 0)
            throw new UsageException($"node: unexpected argument '{cl.Rest[0]}'");
        var settings = ResolveSettings(cl);
        Directory.CreateDirectory(settings.DataDir);
        try
        {
            await settings.EffectiveStorage.EnsureReachableAsync();
        }
        catch (StorageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }

        var registry = new WorkloadRegistry(BuiltInWorkloads.All);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka(ClusterNames.SystemName, (akka, _) => akka.WithActorClusterNode(settings, registry));
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
        Console.WriteLine($"node starting at {cluster.SelfAddress} roles={string.Join(',', settings.Roles)} store={settings.EffectiveStorage.Description} " +
                          $"workers={settings.Agent.Workers} ({settings.Agent.PlanReason}) policy={settings.Agent.Planner?.Settings.Policy.Value.Name()} seeds={(settings.Seeds.Count == 0 ? "self" : string.Join(',', settings.Seeds))}");
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
        var port = cl.GetInt("port", "node", 0, 65535) ?? EnvInt("CLUSTER_PORT", 0, 65535) ?? ClusterNames.DefaultPort;
        var roles = (cl.Get("roles") ?? "coordinator,worker").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var role in roles)
        {
            if (role is not ("coordinator" or "worker"))
                throw new UsageException($"node: unknown role '{role}' (known: coordinator, worker)");
        }
        if (roles.Length == 0)
            throw new UsageException("node: --roles needs at least one role");

        var file = ProfilerSetup.LoadConfigFile(cl, "node");
        var profiler = ProfilerSetup.Resolve(cl, "node", file, new ResourceDetector());
        var plan = profiler.DefaultPlan;
        var detector = new ResourceDetector();
        var dataDir = cl.Get("data-dir") ?? "data";
        StorageSettings storage;
        try
        {
            storage = StorageSettings.Parse(cl.Get("db") ?? Env("ACTORCLUSTER_DB") ?? file.Db, dataDir);
        }
        catch (StorageException e)
        {
            throw new UsageException($"node: {e.Message}");
        }
        return new NodeSettings
        {
            Host = host,
            // Bound to every interface, a node must still advertise a reachable name: default to this host's name.
            PublicHost = cl.Get("public-host") ?? Env("CLUSTER_PUBLIC_HOST") ?? (host is "0.0.0.0" or "::" ? System.Net.Dns.GetHostName() : null),
            Port = port,
            Seeds = Seeds.Resolve(cl, "node"),
            Roles = roles,
            DataDir = dataDir,
            Storage = storage,
            ConfigFile = file,
            Agent = new NodeAgentSettings
            {
                Workers = plan.PoolSize,
                PlanReason = plan.Reason,
                Prefetch = cl.GetInt("prefetch", "node", 0, 1024) ?? 2,
                Planner = profiler.Planner,
                Sample = detector.Detect,
            },
            Admin = ResolveAdmin(cl),
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

    /// <summary>The pbm command host: on by default at 127.0.0.1:9110; <c>--admin-port off</c> turns it off.</summary>
    public static AdminOptions ResolveAdmin(CommandLine cl)
    {
        var rawPort = cl.Get("admin-port");
        if (string.Equals(rawPort, "off", StringComparison.OrdinalIgnoreCase))
            return AdminOptions.Off;
        var port = rawPort is null ? CommandHostOptions.DefaultPort : cl.GetInt("admin-port", "node", 0, 65535)!.Value;
        return new AdminOptions
        {
            Host = cl.Get("admin-host") ?? "127.0.0.1",
            Port = port,
            PortExplicit = rawPort is not null,
            Token = Env(CommandHostOptions.TokenVariable),
            Announce = Console.WriteLine,
        };
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
