using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ActorCluster.Node.Tests;

/// <summary>
/// Runs sharded entities without sharding, the way the Akka.NET templates do in specs: one child per
/// entity id, created by its first message, and a <see cref="Passivate"/> answered as a shard answers it,
/// by sending the entity its stop message.
/// </summary>
public sealed class GenericChildPerEntityParent : ReceiveActor
{
    public GenericChildPerEntityParent(IMessageExtractor extractor, Func<string, Props> propsFor)
    {
        Receive<Passivate>(passivate => Sender.Tell(passivate.StopMessage));
        ReceiveAny(message =>
        {
            if (extractor.EntityId(message) is not { } entityId)
            {
                Unhandled(message);
                return;
            }
            var name = Uri.EscapeDataString(entityId);
            var child = Context.Child(name);
            if (child.IsNobody())
                child = Context.ActorOf(propsFor(entityId), name);
            child.Forward(extractor.EntityMessage(message));
        });
    }

    public static Props Props(IMessageExtractor extractor, Func<string, Props> propsFor) =>
        Akka.Actor.Props.Create(() => new GenericChildPerEntityParent(extractor, propsFor));
}
