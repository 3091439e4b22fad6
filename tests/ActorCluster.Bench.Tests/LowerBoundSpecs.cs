using ActorCluster.Bench;

namespace ActorCluster.Bench.Tests;

public sealed class LowerBoundSpecs
{
    [Fact]
    public void Should_be_total_work_over_workers_when_no_item_dominates()
    {
        var bound = LowerBound.FromCosts(Enumerable.Repeat(10.0, 100), workers: 4);

        Assert.Equal(1000, bound.TotalUs);
        Assert.Equal(250, bound.NominalUs);
    }

    [Fact]
    public void Should_be_the_longest_item_when_it_exceeds_the_share_of_each_worker()
    {
        var bound = LowerBound.FromCosts([1, 1, 1, 97], workers: 2);

        Assert.Equal(97, bound.NominalUs);
    }

    [Fact]
    public void Should_convert_to_seconds_with_the_measured_sequential_time()
    {
        // 100 us of nominal work took 2 s sequentially: 1 nominal us = 20 ms here.
        var bound = LowerBound.FromCosts([10, 10, 10, 70], workers: 2);

        Assert.Equal(2.0 * 70 / 100, bound.Seconds(sequentialSeconds: 2.0), precision: 12);
    }

    [Fact]
    public void Should_fall_back_to_sequential_time_over_workers_when_item_costs_are_unknown()
    {
        var bound = LowerBound.For(new LfsrKernel(6), workers: 4);

        Assert.Equal(0.75, bound.Seconds(sequentialSeconds: 3.0), precision: 12);
    }

    [Fact]
    public void Should_use_the_synthetic_workloads_own_item_costs()
    {
        var kernel = new SyntheticKernel(1000, 50, "pareto:1.5", seed: 7);
        var costs = Enumerable.Range(0, 1000).Select(i => kernel.CostUs(i)!.Value).ToList();

        var bound = LowerBound.For(kernel, workers: 2);

        Assert.Equal(costs.Sum(), bound.TotalUs, precision: 6);
        Assert.Equal(Math.Max(costs.Sum() / 2, costs.Max()), bound.NominalUs, precision: 6);
    }
}

public sealed class SpinCalibrationSpecs
{
    [Theory]
    [InlineData("857.25", 857.25)]
    [InlineData("1e3", 1000.0)]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("0", null)]
    [InlineData("-5", null)]
    [InlineData("NaN", null)]
    [InlineData("fast", null)]
    public void Should_accept_only_a_positive_finite_calibration_from_the_environment(string? text, double? expected) =>
        Assert.Equal(expected, ActorCluster.Workloads.SpinWork.ParseCalibration(text));
}
