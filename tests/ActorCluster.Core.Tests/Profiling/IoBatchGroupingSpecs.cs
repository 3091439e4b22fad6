using ActorCluster.Abstractions;
using ActorCluster.Core.Profiling;

namespace ActorCluster.Core.Tests.Profiling;

public sealed class IoBatchGroupingSpecs
{
    private const long Mb = 1024 * 1024;

    [Fact]
    public void Should_never_put_a_huge_file_in_a_batch_with_tiny_ones()
    {
        long[] sizes = [1 * Mb, 2 * Mb, 2048 * Mb, 3 * Mb, 200 * Mb, 300 * Mb, 1 * Mb];

        var batches = IoBatchGrouping.Batches(100, sizes, maxItems: 10);

        Assert.Equal([new ItemRange(100, 2), new ItemRange(102, 1), new ItemRange(103, 1), new ItemRange(104, 2), new ItemRange(106, 1)], batches);
    }

    [Fact]
    public void Should_split_one_size_class_by_the_batch_limit()
    {
        var batches = IoBatchGrouping.Batches(0, Enumerable.Repeat(Mb, 5).ToList(), maxItems: 2);

        Assert.Equal([new ItemRange(0, 2), new ItemRange(2, 2), new ItemRange(4, 1)], batches);
    }
}
