using ActorCluster.Abstractions;

namespace ActorCluster.Core.Profiling;

/// <summary>
/// Splits a run of I/O items into batches that never mix size classes, so one batch does not hold a 2 GB
/// file next to tiny ones (the tiny ones would wait for the big one, and the batch's memory would be
/// sized for the wrong thing). Items should be listed grouped by class for the batches to stay large (the
/// files workload lists the largest class first). A job's coordinator cuts every batch at the
/// <see cref="Boundaries"/> of its items' sizes (JobLedger).
/// </summary>
public static class IoBatchGrouping
{
    private const long Mb = 1024 * 1024;

    /// <summary>0: under 100 MB, 1: 100-500 MB, 2: over 500 MB — the io-bound policy's classes.</summary>
    public static int SizeClass(long bytes) => bytes switch
    {
        < 100 * Mb => 0,
        <= 500 * Mb => 1,
        _ => 2,
    };

    /// <summary>Batches of at most <paramref name="maxItems"/> items starting at <paramref name="firstItem"/>, one size class each.</summary>
    public static IReadOnlyList<ItemRange> Batches(long firstItem, IReadOnlyList<long> sizes, int maxItems)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        var batches = new List<ItemRange>();
        var start = 0;
        for (var i = 1; i <= sizes.Count; i++)
        {
            var boundary = i == sizes.Count || SizeClass(sizes[i]) != SizeClass(sizes[start]) || i - start == maxItems;
            if (!boundary) continue;
            batches.Add(new ItemRange(firstItem + start, i - start));
            start = i;
        }
        return batches;
    }

    /// <summary>
    /// Every item index at which the size class changes from the item before, in order: a batch that must not mix
    /// classes ends before the next one. Empty when all items are of one class.
    /// </summary>
    public static long[] Boundaries(IReadOnlyList<long> sizes)
    {
        var cuts = new List<long>();
        for (var i = 1; i < sizes.Count; i++)
            if (SizeClass(sizes[i]) != SizeClass(sizes[i - 1]))
                cuts.Add(i);
        return cuts.ToArray();
    }
}
