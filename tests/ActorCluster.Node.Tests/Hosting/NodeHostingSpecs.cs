using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.SBR;
using Akka.Cluster.Tools.PublishSubscribe.Serialization;
using ActorCluster.Node.Hosting;
using ActorCluster.Protocol;
using ActorCluster.Protocol.Serialization;

namespace ActorCluster.Node.Tests.Hosting;

/// <summary>What WithActorClusterNode makes of the config files, the job store and the serializer, read back from the running node.</summary>
public sealed class NodeHostingSpecs(ConfiguredNodeFixture node) : IClassFixture<ConfiguredNodeFixture>
{
    private Akka.Configuration.Config Config => node.System.Settings.Config;

    [Fact]
    public void Should_run_the_typed_split_brain_resolver_with_the_config_files_over_the_defaults()
    {
        Assert.IsType<SplitBrainResolverProvider>(Cluster.Get(node.System).DowningProvider);
        Assert.Equal("keep-majority", Config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(TimeSpan.FromSeconds(60), Config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal(TimeSpan.FromSeconds(4), Config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        Assert.Equal("PinnedDispatcher", Config.GetString("actorcluster.worker-dispatcher.type"));
        Assert.Equal(ActorClusterHostingExtensions.MaxFrameSize, Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size"));
    }

    [Fact]
    public void Should_journal_to_the_sql_store_with_the_settings_of_sqlite()
    {
        Assert.Equal(StorageSettings.JournalPluginId, Config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal(StorageSettings.SnapshotPluginId, Config.GetString("akka.persistence.snapshot-store.plugin"));
        var journal = Config.GetConfig(StorageSettings.JournalPluginId);
        Assert.Equal("SQLite.MS", journal.GetString("provider-name"));
        Assert.Equal(1, journal.GetInt("parallelism"));
        Assert.True(journal.GetBoolean("prefer-parameters-on-multirow-insert"));
        Assert.True(journal.GetBoolean("auto-initialize"));
        Assert.True(Config.GetBoolean($"{StorageSettings.SnapshotPluginId}.auto-initialize"));
        Assert.Equal(StorageSettings.JournalPluginId, Config.GetString($"{StorageSettings.QueryPluginId}.write-plugin"));
        Assert.Equal(journal.GetString("connection-string"), Config.GetString($"{StorageSettings.QueryPluginId}.connection-string"));
        Assert.Equal(StorageSettings.JournalPluginId, Config.GetString("akka.cluster.sharding.journal-plugin-id"));
    }

    [Fact]
    public void Should_carry_every_ActorCluster_message_with_its_own_serializer_and_the_client_envelope_with_pub_sub()
    {
        var serialization = node.System.Serialization;

        var wrong = WireMessages.Types.Where(t => serialization.FindSerializerForType(t).Identifier != ActorClusterSerializer.SerializerId);
        var envelope = serialization.FindSerializerFor(new Akka.Cluster.Tools.PublishSubscribe.Send("/user/jobs", new ListJobs(), true));

        Assert.True(WireMessages.Types.Count >= 20, $"only {WireMessages.Types.Count} message types found");
        Assert.Empty(wrong);
        Assert.IsType<DistributedPubSubMessageSerializer>(envelope);
    }
}
