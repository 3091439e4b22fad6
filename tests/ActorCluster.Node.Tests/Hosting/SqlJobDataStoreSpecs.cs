using ActorCluster.Core.Jobs;
using ActorCluster.Node.Hosting;

namespace ActorCluster.Node.Tests.Hosting;

/// <summary>The job store's tables on a real SQLite file (the PostgreSQL dialect differs only in its blob type; the integration specs run it).</summary>
public sealed class SqlJobDataStoreSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorcluster-store-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private SqlJobDataStore Store(long maxCacheBytes = 1 << 20) =>
        new(StorageSettings.Parse($"sqlite:{Path.Combine(_dir, "store.db")}", _dir), maxCacheBytes);

    private static StoredRecords Block(long start, int count, string tag) =>
        new(start, count, RecordBlock.Encode(Enumerable.Range(0, count).Select(i => $"{{\"t\":\"{tag}\"}}").ToList()));

    [Fact]
    public void Should_keep_manifest_chunks_and_the_first_records_of_each_block_across_instances()
    {
        var store = Store();
        store.SaveManifest("j", [[1, 2, 3], [4]]);
        store.SaveRecords("j", [Block(0, 10, "first"), Block(10, 5, "first")]);
        store.SaveRecords("j", [Block(10, 5, "again"), Block(15, 5, "first")]);

        var reopened = Store();

        Assert.Equal([4], reopened.ReadManifestChunk("j", 1));
        Assert.Null(reopened.ReadManifestChunk("j", 2));
        Assert.Null(reopened.ReadManifestChunk("other", 0));
        var fromMiddle = reopened.ReadRecords("j", 12, long.MaxValue);
        Assert.Equal([10L, 15L], fromMiddle.Select(b => b.Start));
        Assert.All(fromMiddle, b => Assert.All(RecordBlock.Decode(b.Block, b.Count), r => Assert.Equal("{\"t\":\"first\"}", r)));
        Assert.Single(reopened.ReadRecords("j", 0, 1));
        Assert.Empty(reopened.ReadRecords("other", 0, long.MaxValue));
    }

    [Fact]
    public void Should_look_up_cached_records_by_key_within_a_scope_and_evict_the_oldest_past_its_size()
    {
        var store = Store(maxCacheBytes: 20_000);
        var path = "/data/" + new string('p', 3000) + "/file"; // longer than a PostgreSQL index row may be: keyed by its hash
        store.CachePut("files@1", [new(path, "{\"sha256\":\"ab\"}")]);

        Assert.Equal("{\"sha256\":\"ab\"}", store.CacheLookup("files@1", [path, "missing"])[path]);
        Assert.Empty(store.CacheLookup("files@2", [path]));

        for (var i = 0; i < 50; i++)
            store.CachePut("files@1", [new($"k{i}", new string('x', 1000))]);
        var left = store.CacheLookup("files@1", Enumerable.Range(0, 50).Select(i => $"k{i}").ToList());
        Assert.InRange(left.Count, 1, 20);
        Assert.Contains("k49", left.Keys);
        Assert.DoesNotContain("k0", left.Keys);

        var cleared = store.CacheClear();
        Assert.True(cleared.Entries >= left.Count);
        Assert.Empty(store.CacheLookup("files@1", ["k49"]));
    }
}
