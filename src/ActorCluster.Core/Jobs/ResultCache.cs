using ActorCluster.Abstractions;

namespace ActorCluster.Core.Jobs;

/// <summary>
/// The result cache, per item: a cacheable job's item is identified by its <see cref="ICacheableWorkloadJob.ItemKey"/>
/// (e.g. full path, size, modification time) within a scope of workload name and version; what is kept is the
/// item's record. A job that starts over inputs seen before takes their records from the cache, counts those items
/// as completed with the partial result the workload derives from the records, and runs only the rest.
/// </summary>
public static class ResultCache
{
    /// <summary>Keys looked up per store query.</summary>
    public const int LookupSlice = 500;

    /// <summary>Cached items taken as one range at most (its records are held in memory together).</summary>
    public const int MaxRunItems = 50_000;

    /// <summary>Ranges per <see cref="ItemsFromCache"/> event, so a scattered cache hit pattern never makes one huge journal row.</summary>
    public const int MaxRangesPerEvent = 5_000;

    /// <summary>Records per stored block: about this much text (RecordBlock.Split).</summary>
    public const int BlockRawBytes = 1024 * 1024;

    public static string Scope(string workload, string version) => $"{workload}@{version}";

    /// <summary>
    /// Finds the job's items in the cache, copies their records to the job's records and returns the events that
    /// count them (none when nothing was cached). Runs before the job's start is journaled.
    /// </summary>
    public static List<ItemsFromCache> Reuse(ICacheableWorkloadJob job, IJobDataStore store, string scope, string jobId)
    {
        var ranges = new List<CountedRange>();
        var run = new List<string>();
        long runStart = 0;

        void Flush()
        {
            if (run.Count == 0) return;
            var range = new ItemRange(runStart, run.Count);
            var partial = job.PartialFromRecords(range, run);
            store.SaveRecords(jobId, RecordBlock.Split(runStart, run, BlockRawBytes).Select(b => new StoredRecords(b.Start, b.Count, b.Block)).ToList());
            ranges.Add(new CountedRange(range.Start, range.Count, 0, partial));
            run = [];
        }

        for (long slice = 0; slice < job.ItemCount; slice += LookupSlice)
        {
            var n = (int)Math.Min(LookupSlice, job.ItemCount - slice);
            var keys = new string?[n];
            for (var i = 0; i < n; i++) keys[i] = job.ItemKey(slice + i);
            var hits = store.CacheLookup(scope, keys.OfType<string>().Distinct().ToList());
            for (var i = 0; i < n; i++)
            {
                if (keys[i] is { } key && hits.TryGetValue(key, out var record))
                {
                    if (run.Count == 0) runStart = slice + i;
                    run.Add(record);
                    if (run.Count >= MaxRunItems) Flush();
                }
                else
                    Flush();
            }
        }
        Flush();
        return ranges.Chunk(MaxRangesPerEvent).Select(chunk => new ItemsFromCache(chunk)).ToList();
    }

    /// <summary>Keeps the records of items from <paramref name="start"/> on that the workload says may be reused.</summary>
    public static void Remember(ICacheableWorkloadJob job, IJobDataStore store, string scope, long start, IReadOnlyList<string> records)
    {
        var entries = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < records.Count; i++)
        {
            if (job.ItemKey(start + i) is not { } key || !job.IsCacheable(records[i]) || records[i].StartsWith("{\"truncated\":true", StringComparison.Ordinal))
                continue;
            entries.Add(new(key, records[i]));
        }
        if (entries.Count > 0) store.CachePut(scope, entries);
    }
}
