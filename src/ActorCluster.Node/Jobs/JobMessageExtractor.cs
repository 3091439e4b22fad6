using Akka.Cluster.Sharding;
using ActorCluster.Node.Protocol;

namespace ActorCluster.Node.Jobs;

/// <summary>Routes every <see cref="IJobMessage"/> to the coordinator entity named by its job id.</summary>
public sealed class JobMessageExtractor() : HashCodeMessageExtractor(MaxShards)
{
    public const int MaxShards = 50;

    public override string? EntityId(object message) => message switch
    {
        IJobMessage m => m.JobId,
        _ => null,
    };
}
