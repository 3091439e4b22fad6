using ActorCluster.Abstractions;

namespace ActorCluster.Node.Tests;

/// <summary>A workload whose items sleep and can fail at chosen items, for driving the agent in specs.</summary>
public sealed class ProbeWorkload : IWorkload
{
    public string Name => "probe";

    public string Description => "probe --items N [--fail-at I] [--ms-per-item M] [--prepare-ms M]";

    /// <summary>--prepare-ms: how long preparing takes where the job starts, as listing a large input would.</summary>
    public IWorkloadJob Prepare(IReadOnlyList<string> args)
    {
        var job = Open(args, ReadOnlyMemory<byte>.Empty);
        Thread.Sleep(new WorkloadArguments(Name, args).GetInt32("prepare-ms", 0, 0, 60_000));
        return job;
    }

    public IWorkloadJob Open(IReadOnlyList<string> args, ReadOnlyMemory<byte> manifest)
    {
        var a = new WorkloadArguments(Name, args);
        var items = a.GetInt64("items", null, 0, long.MaxValue);
        var failAt = a.GetInt64("fail-at", -1, -1, long.MaxValue);
        var ms = a.GetInt32("ms-per-item", 0, 0, 10_000);
        a.GetInt32("prepare-ms", 0, 0, 60_000);
        a.RejectUnknown();
        return new Job(items, failAt, ms);
    }

    private sealed class Job(long items, long failAt, int msPerItem) : IWorkloadJob
    {
        public long ItemCount => items;
        public WorkloadKind Kind => WorkloadKind.CpuBound;
        public long MemoryPerItemBytes => 0;

        public BatchOutput Execute(ItemRange range, CancellationToken cancellation)
        {
            if (failAt >= range.Start && failAt < range.End)
                throw new InvalidOperationException($"item {failAt} is poisoned");
            if (msPerItem > 0) Thread.Sleep((int)(msPerItem * range.Count));
            return BitConverter.GetBytes(range.Count);
        }

        public IResultAggregator CreateAggregator() => new Sum();
    }

    private sealed class Sum : IResultAggregator
    {
        private long _items;
        public void Add(ItemRange range, ReadOnlySpan<byte> partial) => _items += BitConverter.ToInt64(partial);
        public System.Text.Json.Nodes.JsonObject ToJson() => new() { ["items"] = _items };
        public byte[] Save() => BitConverter.GetBytes(_items);
        public void Load(ReadOnlySpan<byte> saved) => _items = BitConverter.ToInt64(saved);
    }
}
