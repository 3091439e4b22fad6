using Akka.Cluster.Sharding;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Jobs;

/// <summary>
/// Routes every <see cref="IJobMessage"/> to the coordinator entity named by its job id. Each job is its
/// own shard, so each job is placed (and, with a shared store, failed over) on its own.
/// </summary>
public sealed class JobMessageExtractor : IMessageExtractor
{
    public string? EntityId(object message) => message is IJobMessage m ? m.JobId : null;

    public object? EntityMessage(object message) => message;

    public string? ShardId(object message) => message is IJobMessage m ? m.JobId : null;

    public string ShardId(string entityId, object? messageHint = null) => entityId;
}
