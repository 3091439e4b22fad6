using System.Text;

namespace ActorCluster.Core.Jobs;

/// <summary>
/// The job data store in memory, with the SQL store's semantics (first write of a block wins, least recently
/// used cache entries evicted over <paramref name="maxCacheBytes"/>): for specs and for nodes without a store.
/// </summary>
public sealed class MemoryJobDataStore(long maxCacheBytes = 256L * 1024 * 1024) : IJobDataStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<byte[]>> _manifests = [];
    private readonly Dictionary<string, SortedDictionary<long, StoredRecords>> _records = [];
    private readonly Dictionary<(string Scope, string Key), (string Record, long UsedAt)> _cache = [];
    private long _cacheBytes;
    private long _clock;

    public void SaveManifest(string jobId, IReadOnlyList<byte[]> chunks)
    {
        lock (_gate) _manifests[jobId] = chunks.ToList();
    }

    public byte[]? ReadManifestChunk(string jobId, int chunk)
    {
        lock (_gate)
        {
            return _manifests.TryGetValue(jobId, out var chunks) && chunk >= 0 && chunk < chunks.Count ? chunks[chunk] : null;
        }
    }

    public void SaveRecords(string jobId, IReadOnlyList<StoredRecords> blocks)
    {
        lock (_gate)
        {
            if (!_records.TryGetValue(jobId, out var rows)) _records[jobId] = rows = [];
            foreach (var block in blocks) rows.TryAdd(block.Start, block);
        }
    }

    public IReadOnlyList<StoredRecords> ReadRecords(string jobId, long fromItem, long maxBytes)
    {
        lock (_gate)
        {
            var result = new List<StoredRecords>();
            if (!_records.TryGetValue(jobId, out var rows)) return result;
            var from = rows.Keys.Where(k => k <= fromItem).DefaultIfEmpty(0).Max();
            long bytes = 0;
            foreach (var row in rows.Values.Where(r => r.Start >= from))
            {
                if (result.Count > 0 && bytes >= maxBytes) break;
                result.Add(row);
                bytes += row.Block.Length;
            }
            return result;
        }
    }

    public IReadOnlyDictionary<string, string> CacheLookup(string scope, IReadOnlyList<string> keys)
    {
        lock (_gate)
        {
            var hits = new Dictionary<string, string>();
            foreach (var key in keys)
            {
                if (!_cache.TryGetValue((scope, key), out var entry)) continue;
                hits[key] = entry.Record;
                _cache[(scope, key)] = entry with { UsedAt = ++_clock };
            }
            return hits;
        }
    }

    public void CachePut(string scope, IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        lock (_gate)
        {
            foreach (var (key, record) in entries)
            {
                if (_cache.Remove((scope, key), out var old)) _cacheBytes -= Size(key, old.Record);
                _cache[(scope, key)] = (record, ++_clock);
                _cacheBytes += Size(key, record);
            }
            if (_cacheBytes <= maxCacheBytes) return;
            foreach (var (k, v) in _cache.OrderBy(e => e.Value.UsedAt).ToList())
            {
                if (_cacheBytes <= maxCacheBytes * 9 / 10) break;
                _cache.Remove(k);
                _cacheBytes -= Size(k.Key, v.Record);
            }
        }
    }

    public (long Entries, long Bytes) CacheClear()
    {
        lock (_gate)
        {
            var cleared = ((long)_cache.Count, _cacheBytes);
            _cache.Clear();
            _cacheBytes = 0;
            return cleared;
        }
    }

    /// <summary>What one entry counts toward the cache's size, as the SQL store counts it.</summary>
    public static long Size(string key, string record) => Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(record);
}
