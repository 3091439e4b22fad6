using ActorCluster.Abstractions;
using ActorCluster.Bench;
using ActorCluster.Workloads;

namespace ActorCluster.Bench.Tests;

public sealed class BaselineSpecs
{
    public static TheoryData<long, int> Splits => new() { { 0, 1 }, { 1, 3 }, { 10, 3 }, { 1000, 7 }, { 5, 5 }, { 1_000_003, 2 } };

    [Theory]
    [MemberData(nameof(Splits))]
    public void Should_split_items_statically_into_contiguous_blocks_that_differ_by_at_most_one(long items, int workers)
    {
        var ranges = Baselines.StaticRanges(items, workers);

        Assert.Equal(workers, ranges.Count);
        Assert.Equal(0, ranges[0].Start);
        Assert.Equal(items, ranges[^1].End);
        for (var w = 1; w < ranges.Count; w++)
            Assert.Equal(ranges[w - 1].End, ranges[w].Start);
        var sizes = ranges.Select(r => r.End - r.Start).ToList();
        Assert.True(sizes.Max() - sizes.Min() <= 1);
    }

    [Fact]
    public void Should_warm_up_with_a_tenth_of_the_same_kind_of_synthetic_job()
    {
        var kernel = new SyntheticKernel(15_000, 200, "pareto:1.5", seed: 7, kind: "sleep");

        var warmUp = kernel.WarmUp();

        Assert.Equal(1_500, warmUp.ItemCount);
        // Same workload, cost, distribution, seed and kind: only --items differs.
        var expectedArgs = kernel.Args.ToArray();
        expectedArgs[Array.IndexOf(expectedArgs, "--items") + 1] = "1500";
        Assert.Equal(expectedArgs, warmUp.Args);
        Assert.Equal(kernel.CostUs(42), warmUp.CostUs(42));
    }

    [Fact]
    public void Should_warm_up_lfsr_three_degrees_lower_and_never_below_three()
    {
        Assert.Equal(["--degree", "15"], new LfsrKernel(18).WarmUp().Args);
        Assert.Equal(["--degree", "3"], new LfsrKernel(4).WarmUp().Args);
        Assert.Equal(1, new SyntheticKernel(5, 1).WarmUp().ItemCount);
    }

    [Fact]
    public void Should_compute_the_sequential_digest_with_every_parallel_baseline()
    {
        var kernel = new SyntheticKernel(20_000, 0, "lognormal:2", seed: 3);
        var expected = Baselines.Sequential(kernel).Digest;

        Assert.Equal(expected, Baselines.ParallelForEach(kernel).Digest);
        Assert.Equal(expected, Baselines.StaticPartitioning(kernel, 3).Digest);
        Assert.Equal(expected, Baselines.SharedQueue(kernel, 3, capacity: 16).Digest);
        Assert.Equal(20_000, expected.Count);
    }

    [Fact]
    public void Should_compute_the_sequential_lfsr_digest_with_the_shared_queue_and_static_partitioning()
    {
        var kernel = new LfsrKernel(10);
        var expected = Baselines.Sequential(kernel).Digest;

        Assert.Equal(expected, Baselines.SharedQueue(kernel, 2).Digest);
        Assert.Equal(expected, Baselines.StaticPartitioning(kernel, 4).Digest);
        Assert.Equal(60, expected.Count); // phi(2^10 - 1) / 10 maximal-period polynomials of degree 10
    }

    [Theory]
    [InlineData(2500, 2000)]
    [InlineData(2000, 2000)]
    [InlineData(999, 0)]
    public void Should_count_a_sleeping_item_as_the_whole_milliseconds_it_sleeps(double costUs, double minimumUs)
    {
        var kernel = new SyntheticKernel(3, costUs, kind: "sleep");

        Assert.Equal(minimumUs, kernel.MinimumSleepUs(1));
    }

    [Fact]
    public void Should_never_run_a_sleeping_item_in_less_than_its_minimum_sleep()
    {
        var kernel = new SyntheticKernel(12, 2500, "lognormal:1", seed: 9, kind: "sleep");

        for (long i = 0; i < kernel.ItemCount; i++)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            kernel.RunItem(i);
            Assert.True(clock.Elapsed.TotalMicroseconds >= kernel.MinimumSleepUs(i), $"item {i} took {clock.Elapsed.TotalMicroseconds:0} us");
        }
    }

    [Fact]
    public void Should_read_the_same_synthetic_digest_from_the_workloads_own_result_json()
    {
        var kernel = new SyntheticKernel(3_000, 0, "hot:0.01:100", seed: 11);

        Assert.Equal(Baselines.Sequential(kernel).Digest, kernel.FromResultJson(ClusterStyleResult(kernel)));
        Assert.Equal(Baselines.Sequential(kernel).Digest, kernel.DigestWithoutWork());
    }

    [Fact]
    public void Should_read_the_same_lfsr_digest_from_the_workloads_own_result_json()
    {
        var kernel = new LfsrKernel(9);

        Assert.Equal(Baselines.Sequential(kernel).Digest, kernel.FromResultJson(ClusterStyleResult(kernel)));
    }

    /// <summary>What a coordinator reports: the workload run in uneven batches, merged by its own aggregator.</summary>
    private static string ClusterStyleResult(ItemKernel kernel)
    {
        var registry = new ActorCluster.Core.Jobs.WorkloadRegistry(BuiltInWorkloads.All);
        var job = registry.Prepare(kernel.Workload, kernel.Args);
        var aggregator = job.CreateAggregator();
        long start = 0, size = 1;
        while (start < job.ItemCount)
        {
            var range = new ItemRange(start, Math.Min(size, job.ItemCount - start));
            aggregator.Add(range, job.Execute(range, CancellationToken.None).Partial);
            start = range.End;
            size = size * 3 + 1;
        }
        return aggregator.ToJson().ToJsonString();
    }
}
