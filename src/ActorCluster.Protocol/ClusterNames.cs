using ActorCluster.Core.Net;

namespace ActorCluster.Protocol;

/// <summary>The names a node and a client must agree on to find each other.</summary>
public static class ClusterNames
{
    /// <summary>The actor system's name: part of every node's address.</summary>
    public const string SystemName = "actorcluster";

    public const int DefaultPort = 4053;

    /// <summary>The job gateway's name under /user on every node; clients send to it through the receptionist.</summary>
    public const string GatewayName = "jobs";

    /// <summary>The Akka address of the node listening at <paramref name="endpoint"/>; TLS nodes have their own scheme.</summary>
    public static string NodeAddress(HostPort endpoint, bool tls = false) => $"{(tls ? "akka.ssl.tcp" : "akka.tcp")}://{SystemName}@{endpoint}";
}
