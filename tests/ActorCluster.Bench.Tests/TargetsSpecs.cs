using ActorCluster.Bench;

namespace ActorCluster.Bench.Tests;

public sealed class TargetsSpecs
{
    private static readonly BenchSizes Plan = BenchSizes.Quick;

    [Fact]
    public void Should_judge_tiny_items_by_the_ratio_to_parallel_foreach()
    {
        var seconds = new Dictionary<string, Dictionary<string, double>>
        {
            ["tiny 2 us"] = new() { ["Parallel.ForEach"] = 1.0, ["ActorCluster 1 node"] = 1.1, ["shared queue (1 msg/item)"] = 12.0 },
        };

        var targets = Targets.Evaluate(Plan, seconds, new Dictionary<string, double>());

        var tiny = targets.Single(t => t.Target.StartsWith("tiny items (", StringComparison.Ordinal));
        Assert.True(tiny.Met);
        Assert.Equal("0.91x", tiny.Measured);
        Assert.DoesNotContain(targets, t => t.Requirement.Contains("shared-queue", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0.018, true, "18.0 ns per item; 0.91x Parallel.ForEach")]
    [InlineData(0.020, true, "20.0 ns per item; 0.91x Parallel.ForEach")]
    [InlineData(0.021, false, "21.0 ns per item; 0.91x Parallel.ForEach")]
    public void Should_judge_the_scheduling_overhead_of_tiny_items_in_ns_per_item_against_20(double idleUsPerItem, bool met, string measured)
    {
        var seconds = new Dictionary<string, Dictionary<string, double>>
        {
            ["tiny 2 us"] = new() { ["Parallel.ForEach"] = 1.0, ["ActorCluster 1 node"] = 1.1 },
        };
        var measurements = new Dictionary<string, double> { ["tiny 2 us.ActorCluster 1 node.idleWorkerUsPerItem"] = idleUsPerItem };

        var overhead = Targets.Evaluate(Plan, seconds, measurements).Single(t => t.Target == "tiny items: scheduling overhead per item");

        Assert.Equal("<= 20 ns per item", overhead.Requirement);
        Assert.Equal(met, overhead.Met);
        Assert.Equal(measured, overhead.Measured);
    }

    [Fact]
    public void Should_leave_targets_that_were_not_measured_undecided()
    {
        var targets = Targets.Evaluate(Plan, new Dictionary<string, Dictionary<string, double>>(), new Dictionary<string, double>());

        Assert.All(targets, t => Assert.Null(t.Met));
    }

    [Fact]
    public void Should_judge_skewed_items_on_one_node_by_the_makespan_over_the_lower_bound_showing_static_partitioning_beside_it()
    {
        var seconds = new Dictionary<string, Dictionary<string, double>>
        {
            ["pareto:1.5"] = new() { ["lowerBound"] = 1.0, ["static partitioning"] = 1.2, ["ActorCluster 1 node"] = 1.05 },
        };

        var pareto = Targets.Evaluate(Plan, seconds, new Dictionary<string, double>()).Single(t => t.Target == "skewed pareto:1.5, one node");

        Assert.True(pareto.Met);
        Assert.Equal("makespan <= 1.15x LB", pareto.Requirement);
        Assert.Equal("1.05x LB (static partitioning: 1.20x LB)", pareto.Measured);
    }

    [Theory]
    [InlineData(2.08, true, "1.04x LB")]
    [InlineData(2.2, false, "1.10x LB")]
    public void Should_judge_skewed_sleeping_items_on_three_single_worker_nodes_against_1_05x_the_lower_bound(double makespan, bool met, string measured)
    {
        var seconds = new Dictionary<string, Dictionary<string, double>>
        {
            ["sleep lognormal:2"] = new() { ["lowerBound"] = 2.0, ["ActorCluster 3 nodes x 1 worker"] = makespan },
        };

        var skewed = Targets.Evaluate(Plan, seconds, new Dictionary<string, double>())
            .Single(t => t.Target.StartsWith("skewed sleeping items", StringComparison.Ordinal));

        Assert.Equal("skewed sleeping items (1,200, lognormal sigma 2) on 3 nodes x 1 worker", skewed.Target);
        Assert.Equal("makespan <= 1.05x LB", skewed.Requirement);
        Assert.Equal(met, skewed.Met);
        Assert.Equal(measured, skewed.Measured);
    }

    [Fact]
    public void Should_set_no_target_that_no_machine_can_meet()
    {
        var targets = Targets.Evaluate(Plan, new Dictionary<string, Dictionary<string, double>>(), new Dictionary<string, double>());

        Assert.DoesNotContain(targets, t => t.Requirement.Contains("static partitioning", StringComparison.Ordinal));
        Assert.DoesNotContain(targets, t => t.Requirement.Contains("shared-queue", StringComparison.Ordinal));
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
