using ActorCluster.Abstractions;

namespace ActorCluster.Core.Jobs;

/// <summary>
/// A set of item indices kept as sorted, disjoint, merged intervals. Completed work is recorded here:
/// contiguous completions merge, so a job of 2^40 items needs only about as many intervals as it has
/// batches in flight, never one entry per item.
/// </summary>
public sealed class RangeSet
{
    // Sorted by start; no two intervals overlap or touch.
    private readonly List<(long Start, long End)> _intervals = [];

    public long Count { get; private set; }

    public int IntervalCount => _intervals.Count;

    public IReadOnlyList<(long Start, long End)> Intervals => _intervals;

    /// <summary>True when any index of <paramref name="range"/> is already in the set.</summary>
    public bool Overlaps(ItemRange range)
    {
        if (range.IsEmpty) return false;
        var i = LastStartingAtOrBefore(range.End - 1);
        return i >= 0 && _intervals[i].End > range.Start;
    }

    /// <summary>True when every index of <paramref name="range"/> is in the set.</summary>
    public bool Contains(ItemRange range)
    {
        if (range.IsEmpty) return true;
        var i = LastStartingAtOrBefore(range.Start);
        return i >= 0 && _intervals[i].End >= range.End;
    }

    /// <summary>Adds the range and returns how many indices were new.</summary>
    public long Add(ItemRange range)
    {
        if (range.IsEmpty) return 0;
        long start = range.Start, end = range.End;
        // First interval that could touch or overlap [start, end).
        var first = LastStartingAtOrBefore(start);
        if (first < 0 || _intervals[first].End < start) first++;
        var last = first;
        long covered = 0;
        while (last < _intervals.Count && _intervals[last].Start <= end)
        {
            var (s, e) = _intervals[last];
            covered += Math.Max(0, Math.Min(e, end) - Math.Max(s, start));
            start = Math.Min(start, s);
            end = Math.Max(end, e);
            last++;
        }
        _intervals.RemoveRange(first, last - first);
        _intervals.Insert(first, (start, end));
        var added = range.Count - covered;
        Count += added;
        return added;
    }

    /// <summary>How many indices below <paramref name="limit"/> are in the set.</summary>
    public long CountBelow(long limit)
    {
        long count = 0;
        foreach (var (start, end) in _intervals)
        {
            if (start >= limit) break;
            count += Math.Min(end, limit) - start;
        }
        return count;
    }

    /// <summary>
    /// The first run of indices not in the set, starting at or after <paramref name="from"/> and ending
    /// at the next interval (or <paramref name="limit"/>). Empty when everything up to the limit is in the set.
    /// </summary>
    public ItemRange NextGap(long from, long limit)
    {
        var i = LastStartingAtOrBefore(from);
        var start = from;
        if (i >= 0 && _intervals[i].End > start) start = _intervals[i].End;
        var next = i + 1;
        while (next < _intervals.Count && _intervals[next].Start <= start)
        {
            start = Math.Max(start, _intervals[next].End);
            next++;
        }
        if (start >= limit) return new ItemRange(limit, 0);
        var end = next < _intervals.Count ? Math.Min(_intervals[next].Start, limit) : limit;
        return new ItemRange(start, end - start);
    }

    private int LastStartingAtOrBefore(long index)
    {
        int lo = 0, hi = _intervals.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_intervals[mid].Start <= index) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }
}
