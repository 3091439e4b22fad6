namespace ActorCluster.Node.Hosting;

/// <summary>Actor registry key: this node's worker directory.</summary>
public sealed class WorkerDirectoryKey;
