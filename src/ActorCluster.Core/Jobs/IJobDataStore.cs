namespace ActorCluster.Core.Jobs;

/// <summary>
/// What a job keeps in the job store besides its journal: its manifest (compressed chunks, written once before
/// the job's start is journaled), its per-item records (compressed blocks by item range, written before the
/// completion that counts them is journaled, so a counted item always has its record), and the result cache
/// shared by all jobs. The SQL implementation lives with the node's persistence (same SQLite file or PostgreSQL
/// database as the journal); <see cref="MemoryJobDataStore"/> serves specs. Calls block: actors run them off
/// their own thread.
/// </summary>
public interface IJobDataStore
{
    void SaveManifest(string jobId, IReadOnlyList<byte[]> chunks);

    /// <summary>One chunk, or null when the store does not have it.</summary>
    byte[]? ReadManifestChunk(string jobId, int chunk);

    /// <summary>Stores record blocks; a block whose (job, start) is already stored is kept as it was.</summary>
    void SaveRecords(string jobId, IReadOnlyList<StoredRecords> blocks);

    /// <summary>
    /// The job's blocks in start order from the one that holds <paramref name="fromItem"/> (or the first after it),
    /// stopping once about <paramref name="maxBytes"/> were read (always at least one block when any is left).
    /// </summary>
    IReadOnlyList<StoredRecords> ReadRecords(string jobId, long fromItem, long maxBytes);

    /// <summary>Cached records of <paramref name="keys"/> in <paramref name="scope"/> (workload and version); missing keys are absent.</summary>
    IReadOnlyDictionary<string, string> CacheLookup(string scope, IReadOnlyList<string> keys);

    /// <summary>Stores records in the cache, then evicts the least recently used entries while it is over its size.</summary>
    void CachePut(string scope, IReadOnlyList<KeyValuePair<string, string>> entries);

    /// <summary>Empties the cache; returns how many entries and bytes it held.</summary>
    (long Entries, long Bytes) CacheClear();
}

/// <summary>The records of items [Start, Start + Count) as one <see cref="RecordBlock"/>.</summary>
public sealed record StoredRecords(long Start, long Count, byte[] Block);
