using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ActorCluster.Node.Jobs;

/// <summary>
/// Every job is its own shard. It is placed on the node whose region first asks for it — the node that
/// received the submission, or after a restart the node whose journal resumed it — because with a
/// per-node SQLite store that is the only node that can recover it. When the asker hosts no region
/// (a node died and sharding re-homes its remembered jobs), the least loaded region takes it.
/// Jobs are never rebalanced: moving a running coordinator would only interrupt it.
/// </summary>
public sealed class PreferRequesterAllocation : IShardAllocationStrategy
{
    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
    {
        if (currentShardAllocations.ContainsKey(requester))
            return Task.FromResult(requester);
        var leastLoaded = currentShardAllocations.OrderBy(kv => kv.Value.Count).ThenBy(kv => kv.Key.Path.Address.ToString(), StringComparer.Ordinal).First().Key;
        return Task.FromResult(leastLoaded);
    }

    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations, IImmutableSet<string> rebalanceInProgress) =>
        Task.FromResult<IImmutableSet<string>>(ImmutableHashSet<string>.Empty);
}
