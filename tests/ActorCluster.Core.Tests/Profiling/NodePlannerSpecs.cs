using ActorCluster.Abstractions;
using ActorCluster.Core.Profiling;

namespace ActorCluster.Core.Tests.Profiling;

public sealed class NodePlannerSpecs
{
    private const long Mb = 1024 * 1024;

    private static NodePlanner Planner(Dictionary<string, string> flags) =>
        new(SettingsResolver.Resolve(new SettingSources(flags, _ => null, new Dictionary<string, string>()), Machines.Of(4, 16)));

    [Fact]
    public void Should_let_a_worker_override_win_and_say_what_the_policy_would_have_picked()
    {
        var plan = Planner(new() { ["workers"] = "3" }).PlanFor(Machines.Of(4, 16), WorkloadTraits.CpuBound);

        Assert.Equal(3, plan.PoolSize);
        Assert.Equal("cpu-bound", plan.Policy);
        Assert.StartsWith("3 workers set by --workers (command-line flag); cpu-bound would pick 4", plan.Reason);
    }

    [Fact]
    public void Should_plan_each_kind_with_its_own_policy_on_auto()
    {
        var planner = Planner([]);
        var machine = Machines.Of(4, 16);

        Assert.Equal(4, planner.PlanFor(machine, WorkloadTraits.CpuBound).PoolSize);
        Assert.Equal(45, planner.PlanFor(machine, new WorkloadTraits(WorkloadKind.IoBound)).PoolSize);
        Assert.Equal("memory-aware", planner.PlanFor(machine, new WorkloadTraits(WorkloadKind.MemoryHeavy, Mb)).Policy);
    }

    [Fact]
    public void Should_measure_memory_against_the_user_memory_limit()
    {
        var planner = Planner(new() { ["memory-limit-mb"] = "600" });

        // 80% of 600 MB = 480 MB, minus 150 MB resident = 330 MB: three 100 MB items.
        var plan = planner.PlanFor(Machines.Of(4, 16), new WorkloadTraits(WorkloadKind.MemoryHeavy, 100 * Mb));

        Assert.Equal(3, plan.PoolSize);
        Assert.Equal(600 * Mb, planner.Apply(Machines.Of(4, 16)).UserMemoryLimitBytes);
    }

    [Fact]
    public void Should_apply_a_forced_policy_and_chunk_size_to_every_kind()
    {
        var planner = Planner(new() { ["policy"] = "sweep", ["chunk-size"] = "25000" });

        var plan = planner.PlanFor(Machines.Of(4, 16), new WorkloadTraits(WorkloadKind.IoBound));

        Assert.Equal(("sweep", 3, 25_000L), (plan.Policy, plan.PoolSize, plan.ChunkSize!.Value));
        Assert.Contains("[policy from --policy]", plan.Reason);
    }
}
