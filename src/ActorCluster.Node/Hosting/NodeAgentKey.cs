namespace ActorCluster.Node.Hosting;

/// <summary>Actor registry key: this node's agent; absent on nodes without the worker role.</summary>
public sealed class NodeAgentKey;
