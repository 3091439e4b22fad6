using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol.Serialization;
using ActorCluster.Workloads;

namespace ActorCluster.Node.Tests;

public static class TestConfig
{
    /// <summary>
    /// Local actor systems for specs. serialize-messages makes every message go through the serializer,
    /// so a message the wire cannot carry fails here, not in production.
    /// </summary>
    public const string Hocon = ActorClusterSerializer.Hocon + """

        akka.actor.serialize-messages = on
        akka.loglevel = WARNING
        actorcluster.worker-dispatcher.type = PinnedDispatcher
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    public static WorkloadRegistry Registry(params IWorkload[] extra) => new(BuiltInWorkloads.All.Concat(extra));
}
