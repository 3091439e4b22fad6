using ActorCluster.Abstractions;

namespace ActorCluster.Core.Jobs;

/// <summary>
/// What counting one completion message gave: the event to journal (null when nothing was new), the record
/// blocks to store before that event is journaled, the records the result cache may keep (by first item), and
/// the batches refused because their records did not fit their items (they go back to be run again).
/// </summary>
public sealed record CountedCompletion(
    BatchesCounted? Event,
    IReadOnlyList<StoredRecords> Rows,
    IReadOnlyList<(long Start, string[] Records)> Cacheable,
    IReadOnlyList<(long BatchId, ItemRange Range, string Error)> Rejected)
{
    public bool HasWrites => Rows.Count > 0 || Cacheable.Count > 0;
}
