using System.CommandLine;
using ActorCluster.Admin.CommandLine;
using ActorCluster.Protocol;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ActorCluster.Core.Jobs;
using ActorCluster.Core.Profiling;
using ActorCluster.Core.Net;
using ActorCluster.Core.Security;
using ActorCluster.Admin.Protocol;
using ActorCluster.Core.Text;
using ActorCluster.Admin.Hosting;
using ActorCluster.Node.Admin;
using ActorCluster.Core.Agents;
using ActorCluster.Node.Agents;
using ActorCluster.Node.Hosting;
using ActorCluster.Node.Jobs;
using ActorCluster.Web;

namespace ActorCluster.Cli;

/// <summary><c>actorcluster node</c>: starts a cluster node and runs until Ctrl+C / SIGTERM, then leaves gracefully.</summary>
public static class NodeCommand
{
    /// <summary>The command-line values a node's settings are made from; null where a flag was not given.</summary>
    private sealed record NodeArgs(
        string? Host, string? PublicHost, int? Port, string[]? Seeds, string? Roles, int? Prefetch, int? MaxBatchSize,
        string? DataDir, string? Db, string? DbPasswordFile, string? Config, string? AdminHost, string? AdminPort, IReadOnlyDictionary<string, string> Profiler,
        Func<NodeConfigFile, TlsOptions?> Tls, bool Insecure, bool AllowExec, string? Plugins, string? HttpHost = null, string? HttpPort = null);

    public static Command Create()
    {
        var host = CliOption.Text("--host", "HOST", "address to bind (env CLUSTER_BIND_IP, then CLUSTER_IP; default 127.0.0.1)");
        var publicHost = CliOption.Text("--public-host", "HOST",
            "address other nodes use to reach this one, if different (env CLUSTER_PUBLIC_HOST, then CLUSTER_IP; default: the bound address, or this machine's host name when bound to 0.0.0.0)");
        var port = CliOption.Int("--port", "PORT", "port to bind, 0 = any free port (env CLUSTER_PORT; default 4053)", 0, 65535);
        var seed = Seeds.CreateOption("seed node to join, repeatable (env CLUSTER_SEEDS, comma-separated); without seeds the node founds a new cluster");
        var roles = CliOption.Text("--roles", "R1,R2", "coordinator, worker (env ACTORCLUSTER_ROLES, config actorcluster.roles; default both)")
            .Check(given => CheckRoles(given!)).Completes("coordinator,worker", "coordinator", "worker");
        var prefetch = CliOption.Int("--prefetch", "N", "batches asked for beyond idle workers (default 2)", 0, 1024);
        var maxBatchSize = CliOption.Int("--max-batch-size", "N",
            "largest batch, in items, that job coordinators on this node hand out (default 5000000; 1 = one item per batch, e.g. to measure hand-out capacity)", 1, int.MaxValue);
        var dataDir = CliOption.Text("--data-dir", "DIR", "where this node keeps its data (env ACTORCLUSTER_DATA_DIR; default ./data)");
        var db = CliOption.Text("--db", "STORE",
            "job store (env ACTORCLUSTER_DB, config actorcluster.db): sqlite:PATH, or a PostgreSQL connection string " +
            "\"Host=...;Database=...;Username=...;Password=...\" (or postgres://...). Default: SQLite DIR/actorcluster.db. " +
            "Coordinators fail over between nodes only through a shared store: one SQLite file on one machine, PostgreSQL across machines.");
        var dbPasswordFile = CliOption.Text("--db-password-file", "FILE",
            "the PostgreSQL password, read from the first line of FILE (env ACTORCLUSTER_DB_PASSWORD_FILE): unlike a password in --db, `ps` does not show it");
        var config = ConfigOption("extra HOCON, overriding cluster-config/node.hocon (env ACTORCLUSTER_CONFIG), e.g. cluster-config/worker.hocon");
        var adminHost = CliOption.Text("--admin-host", "HOST",
            "address of the pbm command host (default 127.0.0.1); anything but loopback requires env ACTORCLUSTER_ADMIN_TOKEN");
        var adminPort = CliOption.Text("--admin-port", "PORT",
                "port of the pbm command host (default 9110; 0 = any free port; off = no command host). " +
                "If the default port is taken the node runs without a command host; a port given here must be free.")
            .Check(raw => string.Equals(raw, "off", StringComparison.OrdinalIgnoreCase) || int.TryParse(raw, out var p) && p is >= 0 and <= 65535
                ? null
                : $"--admin-port must be a whole number from 0 to 65535, got '{raw}'");
        var httpHost = CliOption.Text("--http-host", "HOST",
            "address of the web host: dashboard, HTTP job API, /metrics (default 127.0.0.1); anything but loopback requires env ACTORCLUSTER_ADMIN_TOKEN and TLS (or --insecure)");
        var httpPort = CliOption.Text("--http-port", "PORT",
                $"port of the web host (env {WebOptions.PortVariable}, config {WebOptions.PortKey}; default {WebOptions.DefaultPort}; 0 = any free port; off = no web host). " +
                "If the default port is taken the node runs without a web host; a port given here must be free.")
            .Check(given => CheckHttpPort(given!));
        var allowExec = CliOption.Flag("--allow-exec",
            "run `exec` jobs here: any command a submitter names, as this node's user (env ACTORCLUSTER_ALLOW_EXEC=true, config actorcluster.allow-exec; default off)");
        var plugins = CliOption.Text("--plugins", "DIR",
            "load the workloads of the plugin DLLs in DIR (env ACTORCLUSTER_PLUGINS, config actorcluster.plugins); a DLL that cannot be used is reported and skipped");
        var profiler = ProfilerSetup.CreateOptions();
        var tls = TlsArgs.Create();
        var insecure = CliOption.Flag("--insecure",
            "start without TLS even though the cluster port (or the admin host) is reachable from other machines: anyone who reaches it may submit and cancel jobs, join, or shut nodes down");

        var command = new Command("node", "start a cluster node (founds a cluster, or joins one with --seed)")
        {
            host, publicHost, port, seed, roles, prefetch, maxBatchSize, dataDir, db, dbPasswordFile, config, adminHost, adminPort, httpHost, httpPort, allowExec, plugins,
        };
        foreach (var option in profiler) command.Add(option);
        tls.AddTo(command);
        command.Add(insecure);
        command.SetAction(parsed => RunAsync(new NodeArgs(
            parsed.GetValue(host), parsed.GetValue(publicHost), parsed.GetValue(port), parsed.GetValue(seed), parsed.GetValue(roles),
            parsed.GetValue(prefetch), parsed.GetValue(maxBatchSize), parsed.GetValue(dataDir), parsed.GetValue(db), parsed.GetValue(dbPasswordFile), parsed.GetValue(config),
            parsed.GetValue(adminHost), parsed.GetValue(adminPort), ProfilerSetup.Given(parsed, profiler),
            file => tls.Resolve(parsed, "node", file), parsed.GetValue(insecure), parsed.GetValue(allowExec), parsed.GetValue(plugins),
            parsed.GetValue(httpHost), parsed.GetValue(httpPort))));
        return command.WithEpilogue(ProfilerSetup.Precedence);
    }

    /// <summary><c>--config FILE</c>, which must exist; shared with `profile`, which resolves settings as a node does.</summary>
    public static Option<string?> ConfigOption(string description) =>
        CliOption.Text("--config", "FILE", description).Check(path => File.Exists(path) ? null : $"--config file '{path}' does not exist");

    private static string? CheckRoles(string roles)
    {
        var names = SplitRoles(roles);
        if (names.FirstOrDefault(r => r is not ("coordinator" or "worker")) is { } unknown)
            return $"unknown role '{unknown}' (known: coordinator, worker)";
        return names.Length == 0 ? "--roles needs at least one role" : null;
    }

    private static string[] SplitRoles(string roles) => roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string? CheckHttpPort(string raw) =>
        string.Equals(raw, "off", StringComparison.OrdinalIgnoreCase) || int.TryParse(raw, out var p) && p is >= 0 and <= 65535
            ? null
            : $"--http-port must be a whole number from 0 to 65535 or off, got '{Echo.Shorten(raw, 20)}'";

    private static async Task<int> RunAsync(NodeArgs cl)
    {
        var settings = ResolveSettings(cl);
        var web = ResolveWeb(cl, settings);
        try
        {
            DataDirectory.Create(settings.DataDir);
            await settings.EffectiveStorage.EnsureReachableAsync();
        }
        catch (StorageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }

        if (settings.Tls is null && settings.ExposedAt is { } exposed)
            Console.WriteLine($"warning: {InsecureWarning(exposed)}");
        if (settings.Admin is { Enabled: true, Tls: null, AllowPlaintext: true } admin && !Loopback.IsLoopback(admin.Host))
            Console.WriteLine($"warning: --insecure: the admin host on {admin.Host} has no TLS; its token crosses the network in clear text");

        var registry = WorkloadSetup.ForNode(settings.AllowExec, settings.PluginsDir, Console.Error);
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
                          $"runs={string.Join(',', registry.RunsHere.Select(id => id.ToString()))} " +
                          $"workers={settings.Agent.Workers} ({settings.Agent.PlanReason}) policy={settings.Agent.Planner?.Settings.Policy.Value.Name()} seeds={(settings.Seeds.Count == 0 ? "self" : string.Join(',', settings.Seeds))}");
        cluster.RegisterOnMemberUp(() => Console.WriteLine($"node up: {cluster.SelfAddress}"));
        DashboardHost? dashboard;
        try
        {
            dashboard = await DashboardHost.StartAsync(system, web);
        }
        catch (WebHostException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            await host.StopAsync();
            return 1;
        }
        // When the cluster downs this node, Akka terminates the actor system: end the process too.
        _ = system.WhenTerminated.ContinueWith(_ => host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication());
        await host.WaitForShutdownAsync();
        if (dashboard is not null) await dashboard.DisposeAsync();
        Console.WriteLine("node stopped");
        return 0;
    }

    private static NodeSettings ResolveSettings(NodeArgs cl)
    {
        // CLUSTER_IP is the address others reach this node at (Lighthouse's meaning); the node binds it too unless
        // CLUSTER_BIND_IP says otherwise, e.g. 0.0.0.0 in a container whose reachable address is not its own.
        var clusterIp = Env("CLUSTER_IP");
        var host = cl.Host ?? Env("CLUSTER_BIND_IP") ?? clusterIp ?? "127.0.0.1";
        var port = cl.Port ?? EnvInt("CLUSTER_PORT", 0, 65535) ?? ClusterNames.DefaultPort;

        var file = ProfilerSetup.LoadConfigFile(cl.Config ?? ConfigFromEnv("node"), "node");
        var roles = ResolveRoles(cl.Roles, file);
        var profiler = ProfilerSetup.Resolve(cl.Profiler, "node", file, new ResourceDetector());
        var plan = profiler.DefaultPlan;
        var detector = new ResourceDetector();
        var dataDir = cl.DataDir ?? Env("ACTORCLUSTER_DATA_DIR") ?? "data";
        StorageSettings storage;
        try
        {
            storage = StorageSettings.Parse(cl.Db ?? Env("ACTORCLUSTER_DB") ?? file.Db, dataDir);
            if ((cl.DbPasswordFile ?? Env("ACTORCLUSTER_DB_PASSWORD_FILE")) is { } passwordFile)
                storage = storage.WithPasswordFile(passwordFile);
        }
        catch (StorageException e)
        {
            throw new UsageException($"node: {e.Message}");
        }
        var tls = TlsArgs.Load(cl.Tls(file), "node");
        var settings = new NodeSettings
        {
            Host = host,
            // Bound to every interface, a node must still advertise a reachable name: default to this host's name.
            PublicHost = cl.PublicHost ?? Env("CLUSTER_PUBLIC_HOST") ?? (IsWildcard(clusterIp) ? null : clusterIp)
                ?? (IsWildcard(host) ? System.Net.Dns.GetHostName() : null),
            Port = port,
            Seeds = Seeds.Resolve(cl.Seeds, "node"),
            Roles = roles,
            DataDir = dataDir,
            Storage = storage,
            ConfigFile = file,
            Agent = new NodeAgentSettings
            {
                Workers = plan.PoolSize,
                PlanReason = plan.Reason,
                Prefetch = cl.Prefetch ?? 2,
                Planner = profiler.Planner,
                Sample = detector.Detect,
                Bounds = NodeBounds.Of(profiler.Snapshot),
            },
            Admin = ResolveAdmin(cl),
            AllowExec = cl.AllowExec || (EnvBool(WorkloadSetup.AllowExecVariable) ?? ConfigValue(() => file.AllowExec) ?? false),
            PluginsDir = cl.Plugins ?? Env(WorkloadSetup.PluginsVariable) ?? file.Plugins,
            Coordinator = CoordinatorSettingsFrom(cl),
            Tls = tls,
            Insecure = cl.Insecure,
        };
        if (settings.Admin.Enabled && !Loopback.IsLoopback(settings.Admin.Host))
        {
            // Off loopback the admin host speaks TLS with the node's certificate, so its token is never sent in clear text.
            settings = settings with
            {
                Admin = settings.Admin with { Tls = tls is null ? null : new AdminTls(tls.Trust, tls.Certificate), AllowPlaintext = cl.Insecure },
            };
        }
        if (tls is null && settings.ExposedAt is { } exposed)
        {
            if (!cl.Insecure)
                throw new UsageException($"node: the cluster port on {exposed} is reachable from other machines and TLS is off: give --tls-cert and --tls-ca " +
                                         "(make them with `actorcluster certs`), or --insecure to start without TLS anyway");
            settings = settings with { Admin = settings.Admin with { ClusterWarning = InsecureWarning(exposed) } };
        }
        return settings;
    }

    private static string InsecureWarning(string exposed) =>
        $"--insecure: the cluster port on {exposed} has no TLS; anyone who can reach it can submit and cancel jobs, join as a node or shut nodes down";

    private static bool IsWildcard(string? host) => host is "0.0.0.0" or "::";

    /// <summary>
    /// <c>ACTORCLUSTER_CONFIG</c>, the file <c>--config</c> would name: a container picks its role's file
    /// (cluster-config/worker.hocon) without a command line. It must exist, as the flag's file must.
    /// </summary>
    public static string? ConfigFromEnv(string command)
    {
        var path = Env(ConfigVariable);
        if (path is not null && !File.Exists(path))
            throw new UsageException($"{command}: environment variable {ConfigVariable} names '{Echo.Shorten(path)}', which does not exist");
        return path;
    }

    public const string ConfigVariable = "ACTORCLUSTER_CONFIG";

    /// <summary>--roles, else ACTORCLUSTER_ROLES, else actorcluster.roles in the config files, else both roles.</summary>
    private static string[] ResolveRoles(string? flagged, NodeConfigFile file)
    {
        if (flagged is not null) return SplitRoles(flagged);
        var (raw, origin) = Env(RolesVariable) is { } env
            ? (env, $"environment variable {RolesVariable}")
            : file.Roles is { } fromFile ? (fromFile, $"{NodeConfigFile.RolesKey} in {file.RolesOrigin} (config file)") : ("coordinator,worker", "");
        if (CheckRoles(raw) is { } problem)
            throw new UsageException($"node: {origin}: {problem}");
        return SplitRoles(raw);
    }

    public const string RolesVariable = "ACTORCLUSTER_ROLES";

    /// <summary>Coordinator settings a node's flags may change; everything else keeps its default.</summary>
    private static CoordinatorSettings CoordinatorSettingsFrom(NodeArgs cl)
    {
        var defaults = new CoordinatorSettings();
        if (cl.MaxBatchSize is not { } max)
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

    /// <summary>
    /// The web host: on by default at 127.0.0.1:9120; <c>--http-port off</c> (or the variable, or the config key) turns it off.
    /// It shares the admin host's token and the node's certificate, so the same rule holds for both off loopback.
    /// </summary>
    private static WebOptions ResolveWeb(NodeArgs cl, NodeSettings settings)
    {
        var (raw, origin) = cl.HttpPort is { } flag ? (flag, "--http-port")
            : Env(WebOptions.PortVariable) is { } env ? (env, $"environment variable {WebOptions.PortVariable}")
            : settings.ConfigFile.Text(WebOptions.PortKey) is { } fromFile ? (fromFile, $"{WebOptions.PortKey} in the config file")
            : (null, "");
        if (raw is not null && CheckHttpPort(raw) is { } problem)
            throw new UsageException($"node: {origin}: {problem}");
        if (string.Equals(raw, "off", StringComparison.OrdinalIgnoreCase))
            return WebOptions.Off;
        var host = cl.HttpHost ?? "127.0.0.1";
        var exposed = !Loopback.IsLoopback(host);
        return new WebOptions
        {
            Host = host,
            Port = raw is null ? WebOptions.DefaultPort : int.Parse(raw),
            PortExplicit = raw is not null,
            Token = Env(CommandHostOptions.TokenVariable),
            Certificate = exposed ? settings.Tls?.Certificate : null,
            AllowPlaintext = cl.Insecure,
            Warning = settings.Admin.ClusterWarning
                      ?? (exposed && settings.Tls is null && cl.Insecure ? $"--insecure: the web host on {host} has no TLS; its token crosses the network in clear text" : null),
            Announce = Console.WriteLine,
        };
    }

    /// <summary>The pbm command host: on by default at 127.0.0.1:9110; <c>--admin-port off</c> turns it off.</summary>
    private static AdminOptions ResolveAdmin(NodeArgs cl)
    {
        var rawPort = cl.AdminPort;
        if (string.Equals(rawPort, "off", StringComparison.OrdinalIgnoreCase))
            return AdminOptions.Off;
        var port = rawPort is null ? CommandHostOptions.DefaultPort : int.Parse(rawPort);
        return new AdminOptions
        {
            Host = cl.AdminHost ?? "127.0.0.1",
            Port = port,
            PortExplicit = rawPort is not null,
            Token = Env(CommandHostOptions.TokenVariable),
            Announce = Console.WriteLine,
        };
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    private static bool? EnvBool(string name) => Env(name)?.ToLowerInvariant() switch
    {
        null => null,
        "1" or "true" or "yes" or "on" => true,
        "0" or "false" or "no" or "off" => false,
        _ => throw new UsageException($"node: environment variable {name} must be true or false, got '{Echo.Shorten(Env(name)!)}'"),
    };

    private static T? ConfigValue<T>(Func<T?> read) where T : struct
    {
        try { return read(); }
        catch (NodeConfigException e) { throw new UsageException($"node: {e.Message}"); }
    }

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
