using System.Collections;
using System.Text.Json.Nodes;
using ActorCluster.Abstractions;

namespace ActorCluster.Workloads.Csv;

/// <summary>
/// Merges batches' groups into the job's. It remembers which chunks it merged, so a batch that arrives twice
/// (a re-dispatch, a replayed completion) is merged once; a batch overlapping merged chunks only in part cannot
/// be merged exactly and is refused. What it saves carries both, for a coordinator that fails over.
/// </summary>
internal sealed class CsvAggregator(int chunks, CsvColumn group, CsvColumn[] sums) : IResultAggregator
{
    private BitArray _merged = new(chunks);
    private CsvGroups _groups = new(sums.Length);

    public int ChunksMerged { get; private set; }

    public void Add(ItemRange range, ReadOnlySpan<byte> partial)
    {
        if (range.Start < 0 || range.End > chunks || range.IsEmpty)
            throw new ArgumentOutOfRangeException(nameof(range), $"csv: batch {range} is outside the job's {chunks} chunks");
        var already = 0;
        for (var c = (int)range.Start; c < range.End; c++)
            if (_merged[c]) already++;
        if (already == range.Count) return;
        if (already > 0)
            throw new InvalidOperationException($"csv: batch {range} overlaps chunks already merged; it cannot be merged exactly once");
        _groups.Merge(CsvGroups.Decode(partial, sums.Length));
        for (var c = (int)range.Start; c < range.End; c++)
            _merged[c] = true;
        ChunksMerged += (int)range.Count;
    }

    public JsonObject ToJson()
    {
        var json = _groups.ToJson(group, sums);
        json["chunks"] = chunks;
        json["chunksMerged"] = ChunksMerged;
        return json;
    }

    public byte[] Save()
    {
        var bitmap = new byte[(chunks + 7) / 8];
        _merged.CopyTo(bitmap, 0);
        var groups = _groups.Encode();
        var saved = new byte[4 + bitmap.Length + groups.Length];
        BitConverter.TryWriteBytes(saved, chunks);
        bitmap.CopyTo(saved, 4);
        groups.CopyTo(saved, 4 + bitmap.Length);
        return saved;
    }

    public void Load(ReadOnlySpan<byte> saved)
    {
        var bitmapBytes = (chunks + 7) / 8;
        if (saved.Length < 4 + bitmapBytes || BitConverter.ToInt32(saved) != chunks)
            throw new InvalidDataException("csv: the saved aggregate is not this job's");
        var merged = new BitArray(saved.Slice(4, bitmapBytes).ToArray()) { Length = chunks };
        var groups = CsvGroups.Decode(saved[(4 + bitmapBytes)..], sums.Length);
        (_merged, _groups) = (merged, groups);
        ChunksMerged = 0;
        for (var c = 0; c < chunks; c++)
            if (_merged[c]) ChunksMerged++;
    }
}
