using System.Text;
using System.Text.Json.Nodes;
using ActorCluster.Abstractions;

namespace ActorCluster.Core.Tests.Jobs;

/// <summary>
/// A workload whose items come from a "listing" (its --items argument stands for what a directory holds): Prepare
/// lists and puts the item sizes in the manifest, Open reads them back; it counts both, so a spec sees that a
/// recovered job was never listed again. Each item's record is its size; the partial is the sum of the sizes.
/// </summary>
public sealed class ManifestWorkload : IWorkload
{
    public int Listed { get; private set; }

    public int Opened { get; private set; }

    /// <summary>Sizes the next listing sees (a "directory" that changes after the job started).</summary>
    public Func<int, long[]> Listing { get; set; } = n => Enumerable.Range(0, n).Select(i => (long)i * 10).ToArray();

    public string Name => "manifest";

    public string Description => "manifest --items N";

    public IWorkloadJob Prepare(IReadOnlyList<string> args)
    {
        Listed++;
        var a = new WorkloadArguments(Name, args);
        var items = (int)a.GetInt64("items", null, 0, 1_000_000);
        a.RejectUnknown();
        return new Job(Listing(items));
    }

    public IWorkloadJob Open(IReadOnlyList<string> args, ReadOnlyMemory<byte> manifest)
    {
        Opened++;
        var sizes = Encoding.UTF8.GetString(manifest.Span).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();
        return new Job(sizes);
    }

    private sealed class Job(long[] sizes) : ICacheableWorkloadJob
    {
        public long ItemCount => sizes.Length;
        public WorkloadKind Kind => WorkloadKind.IoBound;
        public long MemoryPerItemBytes => 0;
        public ReadOnlyMemory<byte> Manifest => Encoding.UTF8.GetBytes(string.Join(',', sizes) + ",");
        public IReadOnlyList<long> ItemSizes => sizes;

        public BatchOutput Execute(ItemRange range, CancellationToken cancellation)
        {
            var records = Enumerable.Range(0, (int)range.Count).Select(i => $"{{\"size\":{sizes[range.Start + i]}}}").ToList();
            return new BatchOutput(PartialFromRecords(range, records), records);
        }

        public string? ItemKey(long item) => $"item-{item}-{sizes[item]}";

        public byte[] PartialFromRecords(ItemRange range, IReadOnlyList<string> records) =>
            BitConverter.GetBytes(records.Sum(r => (long)JsonNode.Parse(r)!["size"]!));

        public IResultAggregator CreateAggregator() => new Sum();
    }

    private sealed class Sum : IResultAggregator
    {
        private long _total;
        public void Add(ItemRange range, ReadOnlySpan<byte> partial) => _total += BitConverter.ToInt64(partial);
        public JsonObject ToJson() => new() { ["total"] = _total };
        public byte[] Save() => BitConverter.GetBytes(_total);
        public void Load(ReadOnlySpan<byte> saved) => _total = BitConverter.ToInt64(saved);
    }
}
