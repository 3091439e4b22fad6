using System.Text.Json.Nodes;
using ActorCluster.Abstractions;

namespace ActorCluster.Core.Tests.Jobs;

/// <summary>A workload whose partial result is its item count, and which counts how often it was prepared.</summary>
public sealed class CountingWorkload : IWorkload
{
    public int Prepared { get; private set; }

    public string Name => "counting";

    public string Description => "counting --items N [--throw]";

    public IWorkloadJob Prepare(IReadOnlyList<string> args)
    {
        Prepared++;
        if (args.Contains("--throw")) throw new InvalidOperationException("plugin bug");
        var a = new WorkloadArguments(Name, args);
        var items = a.GetInt64("items", null, 0, long.MaxValue);
        a.RejectUnknown();
        return new Job(items);
    }

    private sealed class Job(long items) : IWorkloadJob
    {
        public long ItemCount => items;
        public WorkloadKind Kind => WorkloadKind.CpuBound;
        public long MemoryPerItemBytes => 0;
        public BatchOutput Execute(ItemRange range, CancellationToken cancellation) => BitConverter.GetBytes(range.Count);
        public IResultAggregator CreateAggregator() => new Sum();
    }

    private sealed class Sum : IResultAggregator
    {
        private long _items;
        public void Add(ItemRange range, ReadOnlySpan<byte> partial) => _items += BitConverter.ToInt64(partial);
        public JsonObject ToJson() => new() { ["items"] = _items };
        public byte[] Save() => BitConverter.GetBytes(_items);
        public void Load(ReadOnlySpan<byte> saved) => _items = BitConverter.ToInt64(saved);
    }
}
