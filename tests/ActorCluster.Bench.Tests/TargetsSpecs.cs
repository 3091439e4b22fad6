using ActorCluster.Bench;

namespace ActorCluster.Bench.Tests;

public sealed class TargetsSpecs
{
    private static readonly BenchSizes Plan = BenchSizes.Quick;

    [Fact]
    public void Should_judge_ratios_against_parallel_foreach_and_the_shared_queue()
    {
        var seconds = new Dictionary<string, Dictionary<string, double>>
        {
            ["tiny 2 us"] = new() { ["Parallel.ForEach"] = 1.0, ["ActorCluster 1 node"] = 1.1, ["shared queue (1 msg/item)"] = 12.0 },
        };

        var targets = Targets.Evaluate(Plan, seconds, new Dictionary<string, double>());

        var tiny = targets.Single(t => t.Target.StartsWith("tiny items (", StringComparison.Ordinal));
        Assert.True(tiny.Met);
        Assert.Equal("0.91x", tiny.Measured);
        var queue = targets.Single(t => t.Target == "tiny items vs shared queue");
        Assert.True(queue.Met);
        Assert.Equal("10.91x", queue.Measured);
    }

    [Fact]
    public void Should_leave_targets_that_were_not_measured_undecided()
    {
        var targets = Targets.Evaluate(Plan, new Dictionary<string, Dictionary<string, double>>(), new Dictionary<string, double>());

        Assert.All(targets, t => Assert.Null(t.Met));
    }

    [Fact]
    public void Should_say_when_beating_static_partitioning_by_the_required_margin_is_impossible()
    {
        var seconds = new Dictionary<string, Dictionary<string, double>>
        {
            ["pareto:1.5"] = new() { ["lowerBound"] = 1.0, ["static partitioning"] = 1.2, ["ActorCluster 1 node"] = 1.05 },
        };

        var pareto = Targets.Evaluate(Plan, seconds, new Dictionary<string, double>()).Single(t => t.Target == "skewed pareto:1.5");

        Assert.False(pareto.Met);
        Assert.Contains("1.05x LB", pareto.Measured);
        Assert.Contains("impossible", pareto.Note);
    }

    [Fact]
    public void Should_judge_scale_out_from_the_one_node_and_multi_node_durations()
    {
        var seconds = new Dictionary<string, Dictionary<string, double>>
        {
            ["pinned cpu 1000 us"] = new() { ["ActorCluster 1 node @ cpu 0"] = 2.0, ["ActorCluster 2 nodes @ cpu 0, 1"] = 1.0 },
            ["sleep 2000 us"] = new() { ["ActorCluster 1 node"] = 3.0, ["ActorCluster 3 nodes"] = 1.2 },
        };

        var targets = Targets.Evaluate(Plan, seconds, new Dictionary<string, double>());

        Assert.True(targets.Single(t => t.Target.StartsWith("scale-out: 2 pinned", StringComparison.Ordinal)).Met);
        var sleep = targets.Single(t => t.Target.StartsWith("scale-out: 3 nodes", StringComparison.Ordinal));
        Assert.False(sleep.Met);
        Assert.Equal("2.50x", sleep.Measured);
    }
}
