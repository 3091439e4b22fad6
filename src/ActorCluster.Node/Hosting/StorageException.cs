namespace ActorCluster.Node.Hosting;

/// <summary>A storage problem the user must fix: printed as one line at start-up.</summary>
public sealed class StorageException(string message) : Exception(message);
