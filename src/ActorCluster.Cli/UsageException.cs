namespace ActorCluster.Cli;

/// <summary>
/// A usage error found only when a command runs (an environment variable, a config file, the store string):
/// printed as one line, exit code 2, like the errors the parser finds.
/// </summary>
public sealed class UsageException(string message) : Exception(message);
