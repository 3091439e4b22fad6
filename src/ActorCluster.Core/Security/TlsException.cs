namespace ActorCluster.Core.Security;

/// <summary>A certificate or key that cannot be made, written or loaded; its message is one line for the user.</summary>
public sealed class TlsException(string message, Exception? inner = null) : Exception(message, inner);
