using ActorCluster.Core.Jobs;

namespace ActorCluster.Core.Tests.Jobs;

public sealed class BatchSizerSpecs
{
    private static readonly BatchSizingOptions Options = new()
    {
        TargetBatchDuration = TimeSpan.FromMilliseconds(100),
        InitialBatchSize = 4,
        MaxGrowthFactor = 8,
        TailFactor = 2,
    };

    [Fact]
    public void Should_start_small_before_any_measurement()
    {
        var sizer = new BatchSizer(Options);

        Assert.Equal(4, sizer.NextSize(remaining: 1_000_000, totalWorkers: 4));
    }

    [Fact]
    public void Should_converge_on_the_target_duration()
    {
        var sizer = new BatchSizer(Options);
        long size = 4;
        // Items cost 10 µs: the target 100 ms is 10,000 items. Slow start grows it by at most 8x per measurement.
        for (var round = 0; round < 10; round++)
        {
            sizer.Observe(size, size * 10.0);
            size = sizer.NextSize(remaining: 100_000_000, totalWorkers: 4);
        }

        Assert.Equal(10_000, size);
    }

    [Fact]
    public void Should_not_grow_more_than_the_growth_factor_after_one_fast_batch()
    {
        var sizer = new BatchSizer(Options);

        sizer.Observe(4, 0.4); // 0.1 µs per item would ask for a million items

        Assert.Equal(32, sizer.NextSize(remaining: 100_000_000, totalWorkers: 2));
    }

    [Fact]
    public void Should_shrink_toward_the_end_of_the_job()
    {
        var sizer = new BatchSizer(Options);
        for (var i = 0; i < 10; i++) sizer.Observe(100_000, 100_000); // 1 µs per item: target 100,000

        Assert.Equal(100_000, sizer.NextSize(remaining: 10_000_000, totalWorkers: 4));
        Assert.Equal(1_250, sizer.NextSize(remaining: 10_000, totalWorkers: 4)); // remaining / (2 x 4)
        Assert.Equal(1, sizer.NextSize(remaining: 3, totalWorkers: 4));
        Assert.Equal(0, sizer.NextSize(remaining: 0, totalWorkers: 4));
    }
}
