using Akka.Actor;
using Akka.Cluster.Sharding;
using ActorCluster.Admin.Palettes;

namespace ActorCluster.Node.Admin;

/// <summary>pbm's <c>cluster-sharding</c> palette: which entity types exist and where their shards live.</summary>
public sealed class ClusterShardingPalette(ActorSystem system) : IPalette
{
    private static readonly TimeSpan StatsTimeout = TimeSpan.FromSeconds(5);

    public string Name => "cluster-sharding";
    public string Description => "sharded entity types: regions, region-stats";

    public IReadOnlyList<CommandDefinition> Commands { get; } =
    [
        new("regions", "entity types with a region (or proxy) on this node, and what this node hosts"),
        new("region-stats", "shards and entities per node for one entity type",
            ArgumentDefinition.Switch("type", "entity type name, e.g. job", "-r", "--region").Required()),
    ];

    public async Task<CommandResult> ExecuteAsync(CommandCall call, CancellationToken ct)
    {
        var sharding = ClusterSharding.Get(system);
        if (call.Command.Name == "regions")
        {
            var lines = new List<string>();
            foreach (var type in sharding.ShardTypeNames.Order(StringComparer.Ordinal))
            {
                var region = RegionOf(sharding, type);
                var here = region is null ? null : await LocalState(region, ct);
                lines.Add(here is null
                    ? $"{type} | proxy (no shards on this node)"
                    : $"{type} | shards on this node: {here.Shards.Count} | entities on this node: {here.Shards.Sum(s => s.EntityIds.Count)}");
            }
            lines.Add($"Count: {lines.Count} regions");
            return CommandResult.Ok(lines);
        }

        var typeName = call.Get("type")!;
        if (!sharding.ShardTypeNames.Contains(typeName))
            return CommandResult.Fail($"no region '{typeName}' (known: {string.Join(", ", sharding.ShardTypeNames.Order(StringComparer.Ordinal))})");
        var target = RegionOf(sharding, typeName) ?? ProxyOf(sharding, typeName);
        if (target is null)
            return CommandResult.Fail($"region '{typeName}' is not started on this node");
        var stats = await target.Ask<ClusterShardingStats>(new GetClusterShardingStats(StatsTimeout), StatsTimeout + TimeSpan.FromSeconds(2), ct);
        var result = stats.Regions.OrderBy(r => r.Key.ToString(), StringComparer.Ordinal)
            .Select(r => $"{r.Key} | shards: {r.Value.Stats.Count} | entities: {r.Value.Stats.Values.Sum()}" +
                         (r.Value.Failed.Count > 0 ? $" | failed to answer: {r.Value.Failed.Count} shards" : ""))
            .ToList();
        result.Add($"Total: {stats.Regions.Values.Sum(r => r.Stats.Count)} shards, {stats.Regions.Values.Sum(r => r.Stats.Values.Sum())} entities on {stats.Regions.Count} nodes");
        return CommandResult.Ok(result);
    }

    private static async Task<CurrentShardRegionState?> LocalState(IActorRef region, CancellationToken ct)
    {
        try
        {
            return await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, StatsTimeout, ct);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    // A node without the region's role only runs a proxy; ShardRegion throws for it, so try both.
    private static IActorRef? RegionOf(ClusterSharding sharding, string type)
    {
        try { return sharding.ShardRegion(type); }
        catch (ArgumentException) { return null; }
        catch (InvalidOperationException) { return null; }
    }

    private static IActorRef? ProxyOf(ClusterSharding sharding, string type)
    {
        try { return sharding.ShardRegionProxy(type); }
        catch (ArgumentException) { return null; }
        catch (InvalidOperationException) { return null; }
    }
}
