using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Core.Tests.Jobs;

public sealed class RangeSetSpecs
{
    [Fact]
    public void Should_merge_adjacent_and_overlapping_ranges()
    {
        var set = new RangeSet();

        set.Add(new ItemRange(10, 10));
        set.Add(new ItemRange(30, 5));
        var added = set.Add(new ItemRange(15, 20)); // bridges both

        Assert.Equal(10, added); // only [20, 30) was new
        Assert.Equal(25, set.Count);
        Assert.Equal([(10L, 35L)], set.Intervals);
    }

    [Fact]
    public void Should_report_overlap_and_containment_exactly()
    {
        var set = new RangeSet();
        set.Add(new ItemRange(100, 50));

        Assert.True(set.Overlaps(new ItemRange(149, 10)));
        Assert.False(set.Overlaps(new ItemRange(150, 10)));
        Assert.False(set.Overlaps(new ItemRange(90, 10)));
        Assert.True(set.Contains(new ItemRange(100, 50)));
        Assert.False(set.Contains(new ItemRange(99, 2)));
    }

    [Fact]
    public void Should_agree_with_a_plain_set_on_random_ranges()
    {
        var random = new Random(7);
        var set = new RangeSet();
        var reference = new HashSet<long>();
        for (var i = 0; i < 2_000; i++)
        {
            var range = new ItemRange(random.Next(0, 5_000), random.Next(0, 40));
            var expectedNew = 0;
            for (var x = range.Start; x < range.End; x++)
                if (reference.Add(x)) expectedNew++;

            Assert.Equal(expectedNew, set.Add(range));
            Assert.Equal(reference.Count, set.Count);
        }
        for (var i = 0; i < 500; i++)
        {
            var probe = new ItemRange(random.Next(0, 5_100), random.Next(1, 30));
            var members = Enumerable.Range(0, (int)probe.Count).Count(k => reference.Contains(probe.Start + k));
            Assert.Equal(members > 0, set.Overlaps(probe));
            Assert.Equal(members == probe.Count, set.Contains(probe));
        }
        // Intervals stay disjoint, sorted and never touching.
        for (var i = 1; i < set.Intervals.Count; i++)
            Assert.True(set.Intervals[i - 1].End < set.Intervals[i].Start);
    }
}
