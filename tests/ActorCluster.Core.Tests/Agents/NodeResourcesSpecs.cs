using ActorCluster.Abstractions;
using ActorCluster.Core.Agents;
using ActorCluster.Core.Profiling;
using ActorCluster.Core.Tests.Profiling;

namespace ActorCluster.Core.Tests.Agents;

public sealed class NodeResourcesSpecs
{
    private static readonly WorkerPlan Fixed = new(3, "fixed", "3 workers");

    private static NodePlanner Planner(Dictionary<string, string> flags) =>
        new(SettingsResolver.Resolve(new SettingSources(flags, _ => null, new Dictionary<string, string>()), Machines.Of(4, 16)));

    [Fact]
    public void Should_give_every_job_the_fixed_plan_without_a_profiler()
    {
        var resources = new NodeResources(null, () => Machines.Of(8, 16), Fixed, PressureThresholds.Default);

        Assert.Same(Fixed, resources.PlanFor(new WorkloadTraits(WorkloadKind.IoBound)));
    }

    [Fact]
    public void Should_take_a_sample_to_plan_a_job_that_comes_before_the_first_one()
    {
        var samples = 0;
        var resources = new NodeResources(Planner([]), () => { samples++; return Machines.Of(8, 16); }, Fixed, PressureThresholds.Default);

        var first = resources.PlanFor(WorkloadTraits.CpuBound);
        var second = resources.PlanFor(WorkloadTraits.CpuBound);

        Assert.Equal((8, "cpu-bound"), (first.PoolSize, first.Policy));
        Assert.Equal(8, second.PoolSize);
        Assert.Equal(1, samples);
    }

    [Fact]
    public void Should_measure_memory_pressure_against_the_profilers_memory_limit()
    {
        var resources = new NodeResources(Planner(new() { ["memory-limit-mb"] = "1000" }), null, Fixed, new PressureThresholds(SettleSamples: 0));
        var machine = Machines.Of(4, 16) with { ProcessRssBytes = 960L * 1024 * 1024 }; // 96% of the node's limit, 2% of the machine

        var events = resources.Sampled(machine, planned: 4, memoryPerWorkerBytes: 0);

        Assert.True(resources.Paused);
        Assert.Equal([PressureAction.Pause, PressureAction.Shrink], events.Select(e => e.Action));
        Assert.Equal(2, resources.Limit(4));
        Assert.Equal(1000L * 1024 * 1024, resources.Latest!.UserMemoryLimitBytes);
    }
}
