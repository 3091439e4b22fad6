namespace ActorCluster.Node.Hosting;

/// <summary>Actor registry key: the job shard region (or its proxy on nodes without the coordinator role).</summary>
public sealed class JobRegionKey;
