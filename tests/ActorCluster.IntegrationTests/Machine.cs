namespace ActorCluster.IntegrationTests;

/// <summary>One "machine" of a <see cref="NamespaceNetwork"/>: its network namespace, its address and where its node keeps data.</summary>
public sealed record Machine(string Name, string Namespace, string Ip, string DataDir)
{
    /// <summary>host:port of a node on this machine at the default cluster port.</summary>
    public string Endpoint => $"{Ip}:{ActorCluster.Protocol.ClusterNames.DefaultPort}";

    /// <summary>The Akka address such a node advertises: the multi-host cluster speaks mutual TLS.</summary>
    public string Address => $"akka.ssl.tcp://{ActorCluster.Protocol.ClusterNames.SystemName}@{Endpoint}";
}
