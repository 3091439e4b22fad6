using ActorCluster.Core.Net;
using ActorCluster.Protocol;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Client;
using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using ActorCluster.Core.Agents;
using ActorCluster.Core.Jobs;
using ActorCluster.Node.Admin;
using ActorCluster.Node.Agents;
using ActorCluster.Node.Jobs;
using ActorCluster.Protocol.Security;
using ActorCluster.Protocol.Serialization;

namespace ActorCluster.Node.Hosting;

/// <summary>One composition per concern; <see cref="WithActorClusterNode"/> puts a whole node together.</summary>
public static class ActorClusterHostingExtensions
{
    public const string CoordinatorRole = "coordinator";
    public const string JobTypeName = "job";

    /// <summary>
    /// 16 MB, the client's too (JobClient): the largest real message is the status of a finished lfsr job, whose result
    /// JSON lists every maximal tap: about 15 MB at --degree 26 (1,719,900 taps), 2.5 MB at 24; --degree 27 (42 MB) never fit.
    /// Completions, lists and the rest are kB; snapshots go to the journal, not the wire. Akka's default, 128 kB, holds
    /// lfsr statuses only up to --degree 18 or so. A frame costs up to its size before the serializer sees it, so no more.
    /// </summary>
    public const long MaxFrameSize = 16 * 1024 * 1024;

    public static AkkaConfigurationBuilder WithActorClusterNode(this AkkaConfigurationBuilder builder, NodeSettings settings,
        WorkloadRegistry registry)
    {
        var file = settings.ConfigFile;
        // Manifests, per-item records and the result cache, in the journal's database.
        var store = new SqlJobDataStore(settings.EffectiveStorage, settings.EffectiveResultCacheMaxBytes);
        builder
            // The operator's files above the node's own defaults; the typed options below override both.
            .AddHocon(file.Hocon, HoconAddMode.Prepend)
            .AddHocon(ActorClusterHocon.Node, HoconAddMode.Append)
            .AddHocon(StrictSerialization.Hocon, HoconAddMode.Append)
            .WithCustomSerializer(ActorClusterSerializer.Alias, ActorClusterSerializer.BoundTypes, system => new ActorClusterSerializer(system))
            .WithJobStore(settings.EffectiveStorage)
            .WithRemoting(new RemoteOptions
            {
                HostName = settings.Host,
                Port = settings.Port,
                PublicHostName = settings.PublicHost,
                MaxFrameSize = MaxFrameSize,
                EnableSsl = settings.Tls is not null,
                Ssl = settings.Tls is { } tls
                    ? new SslOptions
                    {
                        X509Certificate = tls.Certificate,
                        RequireMutualAuthentication = true,
                        ValidateCertificateHostname = false,
                        CustomValidator = RemoteTls.Validator(tls.Trust),
                    }
                    : null,
            })
            .WithClustering(new ClusterOptions
            {
                // A worker node tells the cluster what it runs and its memory limit through its roles (see WorkloadRoles, MemoryLimitRole).
                Roles = settings.HasRole(WorkerDirectory.WorkerRole)
                    ? [.. settings.Roles, .. registry.RunsHere.Select(WorkloadRoles.ToRole),
                        .. settings.Agent.Bounds.MemoryLimitBytes is { } limit ? [MemoryLimitRole.ToRole(limit)] : Array.Empty<string>()]
                    : settings.Roles.ToArray(),
                SeedNodes = settings.Seeds.Count > 0 ? settings.Seeds.Select(seed => ClusterNames.NodeAddress(HostPort.Parse(seed), settings.Tls is not null)).ToArray() : null,
                SplitBrainResolver = file.SplitBrainResolver,
            })
            .AddHocon($"{NodeConfigFile.StableAfterKey} = {(long)file.StableAfter.TotalMilliseconds}ms", HoconAddMode.Prepend)
            .WithWorkerDirectory()
            .WithJobCoordinator(settings, registry, store)
            .WithJobGateway(registry, store);
        if (settings.HasRole(WorkerDirectory.WorkerRole))
            builder.WithNodeAgent(settings.Agent, registry);
        builder.WithNodeFigures(settings);
        builder.WithAdminCommands(settings.Admin, settings.Agent);
        if (settings.Seeds.Count == 0)
        {
            // No seeds: this node founds the cluster. Joining our own address also works with --port 0,
            // where the seed address is only known once remoting has bound.
            builder.AddStartup((system, _) => Cluster.Get(system).Join(Cluster.Get(system).SelfAddress));
        }
        return builder;
    }

    /// <summary>
    /// Job coordinators journal to Akka.Persistence.Sql, as the default plugins. Akka.Persistence.Sql.Hosting
    /// 1.5.70 (the only version served) is built against Akka.Persistence.Sql 1.5.70 and linq2db 5; with our 1.5.73
    /// and linq2db 6 it restores, compiles and yields the same journal, snapshot and query settings as the
    /// HOCON it replaced, on SQLite and PostgreSQL. Its options have no parallelism and no multi-row insert
    /// switch, so those two keys are added as HOCON.
    /// </summary>
    public static AkkaConfigurationBuilder WithJobStore(this AkkaConfigurationBuilder builder, StorageSettings storage) =>
        builder
            .WithSqlPersistence(
                journal =>
                {
                    journal.ConnectionString = storage.ConnectionString;
                    journal.ProviderName = storage.ProviderName;
                    journal.AutoInitialize = true;
                },
                snapshot =>
                {
                    snapshot.ConnectionString = storage.ConnectionString;
                    snapshot.ProviderName = storage.ProviderName;
                    snapshot.AutoInitialize = true;
                })
            // prefer-parameters-on-multirow-insert: journal inserts with parameters rather than literal values,
            // so linq2db reuses one compiled statement; with literals it kept compiling (and the JIT kept
            // tiering up) new code while a job ran, CPU taken from the workers.
            .AddHocon($$"""
                {{StorageSettings.JournalPluginId}} {
                  parallelism = {{storage.JournalParallelism}}
                  prefer-parameters-on-multirow-insert = true
                }
                """, HoconAddMode.Prepend);

    public static AkkaConfigurationBuilder WithWorkerDirectory(this AkkaConfigurationBuilder builder) =>
        builder.WithActors((system, registry) =>
            registry.Register<WorkerDirectoryKey>(system.ActorOf(WorkerDirectory.Props(), "worker-directory")));

    /// <summary>
    /// Job coordinators are sharded, persistent entities on nodes with the coordinator role (other nodes
    /// get a proxy). Started directly rather than through WithShardRegion because jobs need their own
    /// allocation strategy; see <see cref="PreferRequesterAllocation"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithJobCoordinator(this AkkaConfigurationBuilder builder, NodeSettings settings, WorkloadRegistry registry,
        IJobDataStore store) =>
        builder.WithActors((system, actorRegistry) =>
        {
            var sharding = ClusterSharding.Get(system);
            if (!settings.HasRole(CoordinatorRole))
            {
                actorRegistry.Register<JobRegionKey>(sharding.StartProxy(JobTypeName, CoordinatorRole, new JobMessageExtractor()));
                return;
            }
            var directory = actorRegistry.Get<WorkerDirectoryKey>();
            var region = sharding.Start(JobTypeName,
                jobId => JobCoordinator.Props(jobId, registry, directory, settings.Coordinator, store),
                ClusterShardingSettings.Create(system).WithRole(CoordinatorRole),
                new JobMessageExtractor(),
                new PreferRequesterAllocation(),
                PoisonPill.Instance);
            actorRegistry.Register<JobRegionKey>(region);
            // Once this node is up, wake the jobs its journal knows (resumes them after a full restart).
            Cluster.Get(system).RegisterOnMemberUp(() =>
                system.ActorOf(JobReviver.Props(region), "job-reviver"));
        });

    /// <summary>The job gateway at /user/jobs, registered with the receptionist so clients outside the cluster reach it.</summary>
    public static AkkaConfigurationBuilder WithJobGateway(this AkkaConfigurationBuilder builder, WorkloadRegistry registry, IJobDataStore store) =>
        builder
            .WithClusterClientReceptionist()
            .WithActors((system, actorRegistry) =>
            {
                var gateway = system.ActorOf(JobGateway.Props(actorRegistry.Get<JobRegionKey>(), registry, store), JobGateway.Name);
                actorRegistry.Register<JobGatewayKey>(gateway);
                ClusterClientReceptionist.Get(system).RegisterService(gateway);
            });

    /// <summary>What the dashboard asks of every node (<see cref="NodeFiguresReporter"/>), and the cluster's membership events counted as metrics.</summary>
    public static AkkaConfigurationBuilder WithNodeFigures(this AkkaConfigurationBuilder builder, NodeSettings settings) =>
        builder.WithActors((system, actorRegistry) =>
        {
            actorRegistry.TryGet<NodeAgentKey>(out var agent);
            var cores = settings.Agent.Sample?.Invoke().EffectiveCores ?? Environment.ProcessorCount;
            system.ActorOf(NodeFiguresReporter.Props(agent, cores, settings.Agent.PlanReason), NodeFiguresReporter.Name);
            system.ActorOf(Metrics.MembershipMetrics.Props(), "membership-metrics");
        });

    public static AkkaConfigurationBuilder WithNodeAgent(this AkkaConfigurationBuilder builder, NodeAgentSettings settings, WorkloadRegistry registry) =>
        builder.WithActors((system, actorRegistry) =>
        {
            var agent = system.ActorOf(NodeAgent.Props(registry, settings), "node-agent");
            actorRegistry.Register<NodeAgentKey>(agent);
            // On a graceful stop (SIGTERM, `pbm cluster leave`), hand back unstarted batches and let running
            // ones finish before this node leaves, so the cluster neither waits for it nor re-runs its work.
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeClusterShutdown, "hand-back-batches", async () =>
            {
                try { await agent.Ask<Left>(Leave.Instance, TimeSpan.FromSeconds(20)); }
                catch (Exception) { /* the coordinators re-issue whatever is left when this node is removed */ }
                return Akka.Done.Instance;
            });
        });
}
