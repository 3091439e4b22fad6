using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;
using ActorCluster.Node.Hosting;
using ActorCluster.Protocol.Serialization;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Serialization;
using ActorCluster.Workloads;

namespace ActorCluster.Node.Tests;

public static class TestConfig
{
    /// <summary>
    /// Local actor systems for specs on a plain TestKit, the serializer bound as WithCustomSerializer binds it
    /// on nodes. serialize-messages makes every message go through the serializer, so a message the wire
    /// cannot carry fails here, not in production.
    /// </summary>
    public static ActorSystemSetup Setup =>
        BootstrapSetup.Create().WithConfig(ConfigurationFactory.ParseString(Hocon)).And(SerializationSetup.Create(system =>
            [SerializerDetails.Create(ActorClusterSerializer.Alias, new ActorClusterSerializer(system), [.. ActorClusterSerializer.BoundTypes])]));

    private const string Hocon = ActorClusterHocon.WorkerDispatcher + """

        akka.actor.serialize-messages = on
        akka.loglevel = WARNING
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    public static WorkloadRegistry Registry(params IWorkload[] extra) => new(BuiltInWorkloads.All.Concat(extra));
}
