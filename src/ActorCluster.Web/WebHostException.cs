namespace ActorCluster.Web;

/// <summary>The web host cannot start as configured; the message is the one line the node prints.</summary>
public sealed class WebHostException(string message, Exception? inner = null) : Exception(message, inner);
