using ActorCluster.Bench;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Bench.Tests;

public sealed class PolicySimulatorSpecs
{
    [Fact]
    public void Should_finish_every_item_and_never_beat_the_lower_bound()
    {
        var kernel = new SyntheticKernel(5_000, 100, "pareto:1.5", seed: 5);

        var sim = PolicySimulator.Run(i => kernel.CostUs(i)!.Value, kernel.ItemCount, agents: 2, workersPerAgent: 2, prefetch: 2, latencyUs: 100);

        Assert.True(sim.OverLowerBound >= 1.0);
        Assert.True(sim.Batches > 0);
        Assert.Equal(LowerBound.For(kernel, 4).NominalUs, sim.LowerBoundUs, precision: 3);
    }

    [Fact]
    public void Should_make_one_long_item_the_makespan_when_it_dominates_the_work()
    {
        // One item of 1 s among 99 of 1 us: nothing can finish before the long item does.
        var sim = PolicySimulator.Run(i => i == 50 ? 1_000_000 : 1, 100, agents: 1, workersPerAgent: 4, prefetch: 0, latencyUs: 0);

        Assert.Equal(1_000_000, sim.LowerBoundUs);
        Assert.InRange(sim.MakespanUs, 1_000_000, 1_000_200);
    }

    [Fact]
    public void Should_hand_out_one_item_per_batch_when_the_batch_size_is_capped_at_one()
    {
        var sizing = new BatchSizingOptions { MaxBatchSize = 1, InitialBatchSize = 1 };

        var sim = PolicySimulator.Run(_ => 0, 300, agents: 2, workersPerAgent: 1, prefetch: 4, latencyUs: 10, sizing);

        Assert.Equal(300, sim.Batches);
    }
}
