using ActorCluster.Core.Net;
using ActorCluster.Protocol;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Client;
using Akka.Hosting;
using Akka.Remote.Hosting;
using ActorCluster.Core.Jobs;
using ActorCluster.Node.Admin;
using ActorCluster.Node.Agents;
using ActorCluster.Node.Jobs;
using ActorCluster.Protocol.Serialization;

namespace ActorCluster.Node.Hosting;

/// <summary>Marker types for the actor registry.</summary>
public sealed class JobRegionKey;
public sealed class WorkerDirectoryKey;
public sealed class NodeAgentKey;
public sealed class JobGatewayKey;

/// <summary>One composition per concern; <see cref="WithActorClusterNode"/> puts a whole node together.</summary>
public static class ActorClusterHostingExtensions
{
    public const string CoordinatorRole = "coordinator";
    public const string JobTypeName = "job";

    public static AkkaConfigurationBuilder WithActorClusterNode(this AkkaConfigurationBuilder builder, NodeSettings settings,
        WorkloadRegistry registry, string? extraHocon = null)
    {
        if (!string.IsNullOrWhiteSpace(extraHocon))
            builder.AddHocon(extraHocon, HoconAddMode.Prepend);
        builder
            .AddHocon(settings.EffectiveStorage.Hocon(), HoconAddMode.Prepend)
            .AddHocon(ActorClusterSerializer.Hocon, HoconAddMode.Append)
            .AddHocon(Akka.Persistence.Sql.SqlPersistence.DefaultConfiguration, HoconAddMode.Append)
            .AddHocon(ActorClusterHocon.Node, HoconAddMode.Append)
            .WithRemoting(new RemoteOptions
            {
                HostName = settings.Host,
                Port = settings.Port,
                PublicHostName = settings.PublicHost,
            })
            .WithClustering(new ClusterOptions
            {
                Roles = settings.Roles.ToArray(),
                SeedNodes = settings.Seeds.Count > 0 ? settings.Seeds.Select(seed => ClusterNames.NodeAddress(HostPort.Parse(seed))).ToArray() : null,
            })
            .WithWorkerDirectory()
            .WithJobCoordinator(settings, registry)
            .WithJobGateway();
        if (settings.HasRole(WorkerDirectory.WorkerRole))
            builder.WithNodeAgent(settings.Agent, registry);
        builder.WithAdminCommands(settings.Admin, settings.Agent);
        if (settings.Seeds.Count == 0)
        {
            // No seeds: this node founds the cluster. Joining our own address also works with --port 0,
            // where the seed address is only known once remoting has bound.
            builder.AddStartup((system, _) => Cluster.Get(system).Join(Cluster.Get(system).SelfAddress));
        }
        return builder;
    }

    public static AkkaConfigurationBuilder WithWorkerDirectory(this AkkaConfigurationBuilder builder) =>
        builder.WithActors((system, registry) =>
            registry.Register<WorkerDirectoryKey>(system.ActorOf(WorkerDirectory.Props(), "worker-directory")));

    /// <summary>
    /// Job coordinators are sharded, persistent entities on nodes with the coordinator role (other nodes
    /// get a proxy). Started directly rather than through WithShardRegion because jobs need their own
    /// allocation strategy; see <see cref="PreferRequesterAllocation"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithJobCoordinator(this AkkaConfigurationBuilder builder, NodeSettings settings, WorkloadRegistry registry) =>
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
                jobId => JobCoordinator.Props(jobId, registry, directory, settings.Coordinator),
                ClusterShardingSettings.Create(system).WithRole(CoordinatorRole).WithRememberEntities(true),
                new JobMessageExtractor(),
                new PreferRequesterAllocation(),
                PoisonPill.Instance);
            actorRegistry.Register<JobRegionKey>(region);
            // Once this node is up, wake the jobs its journal knows (resumes them after a full restart).
            Cluster.Get(system).RegisterOnMemberUp(() =>
                system.ActorOf(JobReviver.Props(region), "job-reviver"));
        });

    /// <summary>The job gateway at /user/jobs, registered with the receptionist so clients outside the cluster reach it.</summary>
    public static AkkaConfigurationBuilder WithJobGateway(this AkkaConfigurationBuilder builder) =>
        builder
            .WithClusterClientReceptionist()
            .WithActors((system, actorRegistry) =>
            {
                var gateway = system.ActorOf(JobGateway.Props(actorRegistry.Get<JobRegionKey>()), JobGateway.Name);
                actorRegistry.Register<JobGatewayKey>(gateway);
                ClusterClientReceptionist.Get(system).RegisterService(gateway);
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
                try { await agent.Ask<NodeAgent.Left>(NodeAgent.Leave.Instance, TimeSpan.FromSeconds(20)); }
                catch (Exception) { /* the coordinators re-issue whatever is left when this node is removed */ }
                return Akka.Done.Instance;
            });
        });
}
