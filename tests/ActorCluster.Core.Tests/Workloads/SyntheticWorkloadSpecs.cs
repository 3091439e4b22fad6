using ActorCluster.Abstractions;
using ActorCluster.Workloads;

namespace ActorCluster.Core.Tests.Workloads;

public sealed class SyntheticWorkloadSpecs
{
    private static string ExpectedChecksum(long items, ulong seed)
    {
        ulong sum = 0;
        for (long i = 0; i < items; i++) sum += SyntheticWorkload.ItemOutput(seed, i);
        return sum.ToString("x16");
    }

    [Fact]
    public void Should_produce_the_same_checksum_however_the_items_are_split()
    {
        var job = new SyntheticWorkload().Prepare(["--items", "10000", "--cost-us", "0", "--seed", "9"]);
        var coarse = job.CreateAggregator();
        var fine = job.CreateAggregator();

        coarse.Add(new ItemRange(0, 10_000), job.Execute(new ItemRange(0, 10_000), CancellationToken.None).Partial);
        for (long start = 9_990; start >= 0; start -= 10)
            fine.Add(new ItemRange(start, 10), job.Execute(new ItemRange(start, 10), CancellationToken.None).Partial);

        Assert.Equal(ExpectedChecksum(10_000, 9), coarse.ToJson()["checksum"]!.GetValue<string>());
        Assert.Equal(coarse.ToJson().ToJsonString(), fine.ToJson().ToJsonString());
    }

    [Theory]
    [InlineData("lognormal:2")]
    [InlineData("pareto:1.5")]
    public void Should_keep_the_mean_cost_for_skewed_distributions(string distribution)
    {
        var d = CostDistribution.Parse(distribution);
        const int n = 400_000;
        double sum = 0, max = 0;
        for (var i = 0; i < n; i++)
        {
            var f = d.Factor(1, i);
            sum += f;
            max = Math.Max(max, f);
        }

        Assert.InRange(sum / n, 0.8, 1.2); // heavy tails converge slowly; the mean is still about 1
        Assert.True(max > 20, "a skewed distribution has a long tail");
    }

    [Fact]
    public void Should_make_the_hot_fraction_expensive()
    {
        var d = CostDistribution.Parse("hot:0.01:100");
        var hot = Enumerable.Range(0, 100_000).Count(i => d.Factor(3, i) == 100);

        Assert.InRange(hot, 800, 1200);
    }

    [Fact]
    public void Should_sleep_for_sleep_items()
    {
        var job = new SyntheticWorkload().Prepare(["--items", "5", "--cost-us", "20000", "--kind", "sleep"]);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        job.Execute(new ItemRange(0, 5), CancellationToken.None);

        Assert.True(clock.ElapsedMilliseconds >= 95, $"took {clock.ElapsedMilliseconds} ms");
        Assert.Equal(WorkloadKind.IoBound, job.Kind);
    }

    [Theory]
    [InlineData(new[] { "--cost-us", "5" }, "synthetic: --items is required")]
    [InlineData(new[] { "--items", "0" }, "synthetic: --items must be between 1 and 1125899906842624, got 0")]
    [InlineData(new[] { "--items", "5", "--distribution", "zipf" }, "synthetic: --distribution must be uniform, lognormal:SIGMA, pareto:ALPHA or hot:FRACTION:FACTOR, got 'zipf'")]
    [InlineData(new[] { "--items", "5", "--distribution", "pareto:0.5" }, "synthetic: --distribution must be uniform, lognormal:SIGMA, pareto:ALPHA or hot:FRACTION:FACTOR, got 'pareto:0.5'")]
    [InlineData(new[] { "--items", "5", "--kind", "gpu" }, "synthetic: --kind must be cpu or sleep, got 'gpu'")]
    public void Should_reject_bad_arguments_with_a_one_line_reason(string[] args, string reason)
    {
        var error = Assert.Throws<WorkloadArgumentException>(() => new SyntheticWorkload().Prepare(args));

        Assert.Equal(reason, error.Message);
    }
}
