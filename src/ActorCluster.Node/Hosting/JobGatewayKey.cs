namespace ActorCluster.Node.Hosting;

/// <summary>Actor registry key: the job gateway clients reach through the receptionist.</summary>
public sealed class JobGatewayKey;
