using System.Text.Json.Nodes;
using ActorCluster.Abstractions;
using ActorCluster.Tests.Shared;
using ActorCluster.Workloads;

namespace ActorCluster.Core.Tests.Workloads;

public sealed class LfsrWorkloadSpecs
{
    private static JsonObject Run(int degree, int batches)
    {
        var job = new LfsrWorkload().Prepare(["--degree", degree.ToString()]);
        var aggregator = job.CreateAggregator();
        var size = Math.Max(1, job.ItemCount / batches);
        // Merge in reverse order: the result must not depend on the order batches finish in.
        var ranges = new List<ItemRange>();
        for (long start = 0; start < job.ItemCount; start += size)
            ranges.Add(new ItemRange(start, Math.Min(size, job.ItemCount - start)));
        ranges.Reverse();
        foreach (var r in ranges)
            aggregator.Add(r, job.Execute(r, CancellationToken.None).Partial);
        return aggregator.ToJson();
    }

    [Theory]
    [InlineData(2)] [InlineData(3)] [InlineData(4)] [InlineData(5)] [InlineData(6)] [InlineData(7)] [InlineData(8)]
    [InlineData(9)] [InlineData(10)] [InlineData(11)] [InlineData(12)] [InlineData(13)] [InlineData(14)] [InlineData(15)] [InlineData(16)]
    public void Should_find_exactly_the_maximal_taps_of_an_independent_computation(int degree)
    {
        var result = Run(degree, batches: 7);

        var taps = result["maximalTaps"]!.AsArray().Select(n => n!.GetValue<uint>()).ToList();
        Assert.Equal(LfsrReference.MaximalTaps(degree), taps);
        // Number theory agrees too: there are phi(2^N - 1) / N primitive polynomials of degree N.
        Assert.Equal(LfsrReference.EulerPhi((1L << degree) - 1) / degree, result["maximalCount"]!.GetValue<int>());
    }

    [Fact]
    public void Should_have_two_to_the_degree_minus_one_items_without_materializing_them()
    {
        var job = new LfsrWorkload().Prepare(["--degree", "32"]);

        Assert.Equal(1L << 31, job.ItemCount);
        Assert.Equal(WorkloadKind.CpuBound, job.Kind);
    }

    [Theory]
    [InlineData(new[] { "--degree", "0" }, "--degree must be between 2 and 32, got 0")]
    [InlineData(new[] { "--degree", "64" }, "--degree must be between 2 and 32, got 64")]
    [InlineData(new[] { "--degree", "abc" }, "--degree must be a whole number, got 'abc'")]
    [InlineData(new string[0], "--degree is required")]
    [InlineData(new[] { "--degree", "8", "--colour", "red" }, "unknown argument --colour")]
    [InlineData(new[] { "--degree" }, "--degree needs a value")]
    [InlineData(new[] { "8" }, "unexpected argument '8' (expected --name value)")]
    public void Should_reject_bad_arguments_with_a_one_line_reason(string[] args, string reason)
    {
        var error = Assert.Throws<WorkloadArgumentException>(() => new LfsrWorkload().Prepare(args));

        Assert.Equal($"lfsr: {reason}", error.Message);
    }

    [Fact]
    public void Should_restore_a_saved_aggregate()
    {
        var job = new LfsrWorkload().Prepare(["--degree", "10"]);
        var first = job.CreateAggregator();
        first.Add(new ItemRange(0, 256), job.Execute(new ItemRange(0, 256), CancellationToken.None).Partial);
        var restored = job.CreateAggregator();

        restored.Load(first.Save());
        restored.Add(new ItemRange(256, 256), job.Execute(new ItemRange(256, 256), CancellationToken.None).Partial);

        Assert.Equal(LfsrReference.EulerPhi(1023) / 10, restored.ToJson()["maximalCount"]!.GetValue<int>());
    }
}
