using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Core.Tests.Jobs;

public sealed class WorkloadRegistrySpecs
{
    private static readonly string PluginVersion = new('c', 64);

    private static WorkloadRegistry Registry(string version = "", bool runsCounting = true) =>
        WorkloadRegistry.Of([new InstalledWorkload(new CountingWorkload(), version.Length > 0 ? version : PluginVersion, RunsHere: runsCounting)]);

    [Fact]
    public void Should_run_only_the_workloads_allowed_here_in_their_own_version()
    {
        var registry = Registry(runsCounting: false);

        Assert.Empty(registry.RunsHere);
        Assert.False(registry.Runs(new WorkloadId("counting", PluginVersion)));
        Assert.True(Registry().Runs(new WorkloadId("counting", PluginVersion)));
        Assert.False(Registry().Runs(new WorkloadId("counting", new string('d', 64))));
    }

    [Fact]
    public void Should_record_the_version_that_prepared_a_job()
    {
        var state = new JobState<string>(Registry(), new BatchSizingOptions(), maxAttempts: 3);

        Assert.True(state.TryAccept("j-1", "counting", ["--items", "10"], 0, out var started, out _));
        state.Apply(started);

        Assert.Equal(PluginVersion, started.WorkloadVersion);
        Assert.Equal(new WorkloadId("counting", PluginVersion), state.Requires);
    }

    [Fact]
    public void Should_not_resume_a_job_on_a_node_whose_copy_of_the_workload_differs()
    {
        var started = new JobStarted("j-1", "counting", ["--items", "10"], 10, 0, WorkloadVersion: PluginVersion);
        var other = new JobState<string>(Registry(new string('d', 64)), new BatchSizingOptions(), maxAttempts: 3);

        other.Apply(started);

        Assert.Equal(JobPhase.Failed, other.Phase);
        Assert.Equal("cannot resume on this node: its copy of workload 'counting' is version dddddddddddd, the job's is cccccccccccc", other.Finished!.Error);
    }

    [Fact]
    public void Should_resume_a_job_journaled_before_versions_were_recorded()
    {
        var legacy = new JobStarted("j-1", "counting", ["--items", "10"], 10, 0);
        var state = new JobState<string>(Registry(), new BatchSizingOptions(), maxAttempts: 3);

        state.Apply(legacy);

        Assert.Equal(JobPhase.Running, state.Phase);
        Assert.Null(state.Requires);
    }
}
