using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.SBR;
using Akka.Cluster.Tools.PublishSubscribe.Serialization;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ActorCluster.Node.Agents;
using ActorCluster.Node.Hosting;
using ActorCluster.Protocol;
using ActorCluster.Protocol.Serialization;

namespace ActorCluster.Node.Tests.Hosting;

/// <summary>
/// What WithActorClusterNode makes of the config files, the job store and the serializer, read back from a node
/// composed as `actorcluster node --config extra.hocon` composes it, with a node.hocon of the spec's own.
/// </summary>
public sealed class NodeHostingSpecs : Akka.Hosting.TestKit.TestKit
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorcluster-hosting-").FullName;
    private readonly NodeSettings _settings;

    public NodeHostingSpecs() : base(ClusterNames.SystemName, startupTimeout: TimeSpan.FromSeconds(30), logLevel: LogLevel.Warning)
    {
        var shipped = Path.Combine(_dir, "node.hocon");
        File.WriteAllText(shipped, """
            akka.cluster.failure-detector.acceptable-heartbeat-pause = 4s
            akka.cluster.split-brain-resolver.stable-after = 9s
            """);
        var extra = Path.Combine(_dir, "extra.hocon");
        File.WriteAllText(extra, "akka.cluster.split-brain-resolver.stable-after = 60s\n");
        var storage = StorageSettings.Parse($"sqlite:{Path.Combine(_dir, "cluster.db")}", _dir);
        // As `actorcluster node` does before it starts the host; a constructor cannot await, and SQLite opens synchronously anyway.
        storage.EnsureReachableAsync().GetAwaiter().GetResult();
        _settings = new NodeSettings
        {
            Port = 0,
            Storage = storage,
            ConfigFile = NodeConfigFile.Load(shipped, extra),
            Agent = new NodeAgentSettings { Workers = 1, PlanReason = "test" },
        };
    }

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        builder.WithActorClusterNode(_settings, TestConfig.Registry());
        // The TestKit's DisposeAsync is not virtual: the files go once the stopped host has let go of the job store.
        provider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(() =>
        {
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        });
    }

    private Akka.Configuration.Config NodeConfig => Sys.Settings.Config;

    [Fact]
    public void Should_run_the_typed_split_brain_resolver_with_the_config_files_over_the_defaults()
    {
        Assert.IsType<SplitBrainResolverProvider>(Cluster.Get(Sys).DowningProvider);
        Assert.Equal("keep-majority", NodeConfig.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(TimeSpan.FromSeconds(60), NodeConfig.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal(TimeSpan.FromSeconds(4), NodeConfig.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        Assert.Equal("PinnedDispatcher", NodeConfig.GetString("actorcluster.worker-dispatcher.type"));
        Assert.Equal(ActorClusterHostingExtensions.MaxFrameSize, NodeConfig.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size"));
    }

    [Fact]
    public void Should_journal_to_the_sql_store_with_the_settings_of_sqlite()
    {
        Assert.Equal(StorageSettings.JournalPluginId, NodeConfig.GetString("akka.persistence.journal.plugin"));
        Assert.Equal(StorageSettings.SnapshotPluginId, NodeConfig.GetString("akka.persistence.snapshot-store.plugin"));
        var journal = NodeConfig.GetConfig(StorageSettings.JournalPluginId);
        Assert.Equal("SQLite.MS", journal.GetString("provider-name"));
        Assert.Equal(1, journal.GetInt("parallelism"));
        Assert.True(journal.GetBoolean("prefer-parameters-on-multirow-insert"));
        Assert.True(journal.GetBoolean("auto-initialize"));
        Assert.True(NodeConfig.GetBoolean($"{StorageSettings.SnapshotPluginId}.auto-initialize"));
        Assert.Equal(StorageSettings.JournalPluginId, NodeConfig.GetString($"{StorageSettings.QueryPluginId}.write-plugin"));
        Assert.Equal(journal.GetString("connection-string"), NodeConfig.GetString($"{StorageSettings.QueryPluginId}.connection-string"));
        Assert.Equal(StorageSettings.JournalPluginId, NodeConfig.GetString("akka.cluster.sharding.journal-plugin-id"));
    }

    [Fact]
    public void Should_carry_every_ActorCluster_message_with_its_own_serializer_and_the_client_envelope_with_pub_sub()
    {
        var serialization = Sys.Serialization;

        var wrong = WireMessages.Types.Where(t => serialization.FindSerializerForType(t).Identifier != ActorClusterSerializer.SerializerId);
        var envelope = serialization.FindSerializerFor(new Akka.Cluster.Tools.PublishSubscribe.Send("/user/jobs", new ListJobs(), true));

        Assert.True(WireMessages.Types.Count >= 20, $"only {WireMessages.Types.Count} message types found");
        Assert.Empty(wrong);
        Assert.IsType<DistributedPubSubMessageSerializer>(envelope);
    }

    [Fact]
    public void Should_drop_a_json_payload_naming_a_type_without_building_it_on_a_node()
    {
        var before = Tripwire.Built;
        var serializers = StrictSerializationSpecs.TypeNamingBindings.Select(t => Sys.Serialization.FindSerializerForType(t));

        var error = Record.Exception(() => Sys.Serialization.Deserialize(Tripwire.Json, 1, ""));

        Assert.All(serializers, s => Assert.IsType<RefusingSerializer>(s));
        Assert.IsType<System.Runtime.Serialization.SerializationException>(error);
        Assert.Equal(before, Tripwire.Built);
    }
}
