namespace ActorCluster.Node.Hosting;

/// <summary>A config file the user must fix: printed as one line before the node starts.</summary>
public sealed class NodeConfigException(string message) : Exception(message);
