using Akka.Actor;

namespace ActorCluster.Node.Jobs;

// What a job coordinator's timers send it (never crosses the wire).

/// <summary>Announce the job again to every worker node, for late joiners and lost messages.</summary>
internal sealed class Reannounce : INoSerializationVerificationNeeded
{
    public static readonly Reannounce Instance = new();
}

/// <summary>Send the job's progress to whoever watches it, if it changed.</summary>
internal sealed class PushProgress : INoSerializationVerificationNeeded
{
    public static readonly PushProgress Instance = new();
}
