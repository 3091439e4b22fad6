namespace ActorCluster.Core.Jobs;

/// <summary>
/// What each node did for one job: its workers, the batches and items counted for it, the time they took,
/// and the node's latest <see cref="NodeJobUsage"/>. A node appears as soon as it asks for work.
/// </summary>
public sealed class NodeTallies
{
    private readonly Dictionary<string, Counters> _nodes = new(StringComparer.Ordinal);

    public void SetWorkers(string node, int workers) => For(node).Workers = workers;

    /// <summary>A node sends its usage only when it changed; the latest wins.</summary>
    public void SetUsage(string node, NodeJobUsage usage) => For(node).Usage = usage;

    public void Count(string node, long items, long busyMicros)
    {
        var counters = For(node);
        counters.Batches++;
        counters.Items += items;
        counters.BusyMicros += busyMicros;
    }

    /// <summary>Ordered by address, so a status and a snapshot list nodes the same way every time.</summary>
    public List<NodeTally> ToList() =>
        _nodes.OrderBy(n => n.Key, StringComparer.Ordinal)
            .Select(n => new NodeTally(n.Key, n.Value.Workers, n.Value.Batches, n.Value.Items, n.Value.BusyMicros / 1000, n.Value.Usage))
            .ToList();

    /// <summary>Replaces every tally with a snapshot's (whose busy time is whole milliseconds).</summary>
    public void Load(IEnumerable<NodeTally> tallies)
    {
        _nodes.Clear();
        foreach (var n in tallies)
            _nodes[n.Address] = new Counters { Workers = n.Workers, Batches = n.Batches, Items = n.Items, BusyMicros = n.BusyMs * 1000, Usage = n.Profile };
    }

    private Counters For(string node)
    {
        if (!_nodes.TryGetValue(node, out var counters))
            _nodes[node] = counters = new Counters();
        return counters;
    }

    private sealed class Counters
    {
        public int Workers;
        public long Batches;
        public long Items;
        public long BusyMicros;
        public NodeJobUsage? Usage;
    }
}
