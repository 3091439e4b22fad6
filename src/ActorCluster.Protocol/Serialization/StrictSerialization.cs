namespace ActorCluster.Protocol.Serialization;

/// <summary>
/// What a node or client accepts from the wire: ActorCluster's messages (<see cref="ActorClusterSerializer"/>) and
/// Akka's own, each under its own serializer. Three of Akka's serializers build any type a peer names, so their ids
/// are taken by <see cref="RefusingSerializer"/>:
/// <list type="bullet">
/// <item>1, Newtonsoft JSON, bound to <c>System.Object</c>: its payload carries a <c>$type</c> and it built a
/// <c>System.IO.FileSystemWatcher</c> with a chosen <c>Path</c>. Every message we send has a serializer of its own
/// (Sharding, DData, Persistence and ClusterClient bring theirs; our records and messages use ours), so nothing needs it.</item>
/// <item>2, the generic protobuf one: it calls the parameterless constructor of whatever type the manifest names
/// before checking it is a protobuf message. We send no protobuf type of our own; Akka's internal ones have their own serializers.</item>
/// <item>3, remote deployment (<c>DaemonMsgCreate</c>): it asks this node to create an actor of a type and with
/// arguments the peer chooses. No part of ActorCluster deploys remotely.</item>
/// </list>
/// An operator's node.hocon sits above this and could undo it; that is theirs to choose.
/// </summary>
public static class StrictSerialization
{
    public const string IdentifierKey = "refused-identifier";
    public const string NameKey = "refused-name";

    private static readonly string Refusing = $"\"{typeof(RefusingSerializer).FullName}, {typeof(RefusingSerializer).Assembly.GetName().Name}\"";

    public static readonly string Hocon = $$"""
        akka.actor {
          serializers {
            json = {{Refusing}}
            proto = {{Refusing}}
            daemon-create = {{Refusing}}
          }
          serialization-settings {
            json { {{IdentifierKey}} = 1, {{NameKey}} = "Newtonsoft JSON" }
            proto { {{IdentifierKey}} = 2, {{NameKey}} = "generic protobuf" }
            daemon-create { {{IdentifierKey}} = 3, {{NameKey}} = "remote deployment" }
          }
        }
        """;
}
