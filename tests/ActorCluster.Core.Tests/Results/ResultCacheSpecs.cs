using System.Buffers.Binary;
using System.Text.Json.Nodes;
using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Core.Tests.Results;

public sealed class ResultCacheSpecs
{
    /// <summary>Items keyed "k{i}" (null for odd items when <paramref name="oddUncacheable"/>); partial = sum of the records' values.</summary>
    private sealed class Keyed(int items, bool oddUncacheable = false) : ICacheableWorkloadJob
    {
        public long ItemCount => items;
        public WorkloadKind Kind => WorkloadKind.IoBound;
        public long MemoryPerItemBytes => 0;
        public BatchOutput Execute(ItemRange range, CancellationToken cancellation) => throw new NotSupportedException();
        public IResultAggregator CreateAggregator() => throw new NotSupportedException();
        public string? ItemKey(long item) => oddUncacheable && item % 2 == 1 ? null : $"k{item}";
        public byte[] PartialFromRecords(ItemRange range, IReadOnlyList<string> records)
        {
            var bytes = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, records.Sum(r => (long)JsonNode.Parse(r)!["v"]!));
            return bytes;
        }
        public bool IsCacheable(string record) => !record.Contains("error");
    }

    [Fact]
    public void Should_take_runs_of_cached_items_with_their_records_and_partials()
    {
        var store = new MemoryJobDataStore();
        store.CachePut("w@1", [new("k0", "{\"v\":1}"), new("k1", "{\"v\":2}"), new("k3", "{\"v\":4}"), new("k9", "{\"v\":9}")]);

        var events = ResultCache.Reuse(new Keyed(5), store, "w@1", "job");

        var ranges = events.SelectMany(e => e.Ranges).ToList();
        Assert.Equal([(0L, 2L), (3L, 1L)], ranges.Select(r => (r.Start, r.Count)));
        Assert.Equal([3L, 4L], ranges.Select(r => BinaryPrimitives.ReadInt64LittleEndian(r.Partial)));
        var (lines, _) = ResultLines.From(store.ReadRecords("job", 0, long.MaxValue), 0);
        Assert.Equal(["{\"item\":0,\"v\":1}", "{\"item\":1,\"v\":2}", "{\"item\":3,\"v\":4}"], lines);
    }

    [Fact]
    public void Should_find_nothing_in_another_scope_nor_for_items_without_a_key()
    {
        var store = new MemoryJobDataStore();
        store.CachePut("w@1", [new("k0", "{\"v\":1}"), new("k1", "{\"v\":2}")]);

        Assert.Empty(ResultCache.Reuse(new Keyed(2), store, "w@2", "job"));
        Assert.Equal([(0L, 1L)], ResultCache.Reuse(new Keyed(2, oddUncacheable: true), store, "w@1", "job2").SelectMany(e => e.Ranges).Select(r => (r.Start, r.Count)));
    }

    [Fact]
    public void Should_remember_only_records_the_workload_calls_reusable()
    {
        var store = new MemoryJobDataStore();

        ResultCache.Remember(new Keyed(3), store, "w@1", 0, ["{\"v\":1}", "{\"error\":\"unreadable\"}", RecordBlock.Truncated(300_000)]);

        Assert.Equal(["k0"], store.CacheLookup("w@1", ["k0", "k1", "k2"]).Keys);
    }

    [Fact]
    public void Should_evict_the_least_recently_used_entries_past_its_size()
    {
        var store = new MemoryJobDataStore(maxCacheBytes: 1000);
        store.CachePut("s", Enumerable.Range(0, 8).Select(i => new KeyValuePair<string, string>($"old{i}", new string('x', 98))).ToList());
        store.CacheLookup("s", ["old0"]); // used recently: kept

        store.CachePut("s", Enumerable.Range(0, 4).Select(i => new KeyValuePair<string, string>($"new{i}", new string('y', 98))).ToList());

        var left = store.CacheLookup("s", [.. Enumerable.Range(0, 8).Select(i => $"old{i}"), .. Enumerable.Range(0, 4).Select(i => $"new{i}")]).Keys.ToList();
        Assert.True(left.Count * 102 <= 1000, $"{left.Count} entries left");
        Assert.Contains("old0", left);
        Assert.Contains("new3", left);
        Assert.DoesNotContain("old1", left);
        Assert.Equal(left.Count, store.CacheClear().Entries);
        Assert.Equal(0, store.CacheClear().Entries);
    }
}
