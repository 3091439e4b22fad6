using ActorCluster.Core.Agents;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Core.Tests.Jobs;

public sealed class WorkloadAvailabilitySpecs
{
    private static readonly WorkloadId Audio = new("audio-analysis", new string('a', 64));
    private static readonly WorkloadId Lfsr = new("lfsr", "v1");

    [Fact]
    public void Should_accept_when_one_worker_node_runs_the_very_version()
    {
        IReadOnlySet<WorkloadId>[] workers = [new HashSet<WorkloadId> { Lfsr }, new HashSet<WorkloadId> { Lfsr, Audio }];

        Assert.Null(WorkloadAvailability.Refusal(Audio, null, workers));
    }

    [Fact]
    public void Should_refuse_naming_the_workload_when_no_worker_node_has_it()
    {
        IReadOnlySet<WorkloadId>[] workers = [new HashSet<WorkloadId> { Lfsr }, new HashSet<WorkloadId> { Lfsr }];

        var refusal = WorkloadAvailability.Refusal(Audio, null, workers);

        Assert.Equal("no worker node runs workload 'audio-analysis': none of the 2 worker nodes that are up has it", refusal);
    }

    [Fact]
    public void Should_refuse_with_the_versions_found_when_nodes_have_another_copy()
    {
        var other = Audio with { Version = new string('b', 64) };
        IReadOnlySet<WorkloadId>[] workers = [new HashSet<WorkloadId> { Lfsr, other }];

        var refusal = WorkloadAvailability.Refusal(Audio, null, workers);

        Assert.Equal("no worker node runs this copy of workload 'audio-analysis' (version aaaaaaaaaaaa); the worker node that is up has version bbbbbbbbbbbb: " +
                     "install the same DLL on every node", refusal);
    }

    [Fact]
    public void Should_tell_how_to_opt_in_when_nodes_run_a_workload_only_on_request()
    {
        var exec = new WorkloadId("exec", "v1");
        IReadOnlySet<WorkloadId>[] workers = [new HashSet<WorkloadId> { Lfsr }];

        var refusal = WorkloadAvailability.Refusal(exec, "start nodes with --allow-exec", workers);

        Assert.Equal("no worker node runs workload 'exec': the worker node that is up does not allow it (start nodes with --allow-exec)", refusal);
    }

    [Fact]
    public void Should_let_a_job_wait_when_no_worker_node_is_up_yet()
    {
        Assert.Null(WorkloadAvailability.Refusal(Audio, null, []));
    }

    [Fact]
    public void Should_read_back_the_workloads_a_node_advertises_in_its_roles_and_ignore_other_roles()
    {
        var roles = new[] { "coordinator", "worker", "dc-default", WorkloadRoles.ToRole(Lfsr), WorkloadRoles.ToRole(Audio), "workload.", "workload.x." };

        var parsed = WorkloadRoles.Parse(roles);

        Assert.Equal(new HashSet<WorkloadId> { Lfsr, Audio }, parsed);
        Assert.Equal("workload.audio-analysis." + new string('a', 64), WorkloadRoles.ToRole(Audio));
    }

    [Theory]
    [InlineData("audio-analysis", true)]
    [InlineData("my.plugin_v2", true)]
    [InlineData("has space", false)]
    [InlineData("quote\"d", false)]
    [InlineData("", false)]
    public void Should_accept_as_workload_names_only_what_a_role_can_carry(string name, bool valid)
    {
        Assert.Equal(valid, WorkloadRoles.IsValidName(name));
    }

    private const long Mb = 1024 * 1024;

    [Fact]
    public void Should_fail_a_job_every_worker_node_would_refuse_naming_the_need_and_the_largest_limit()
    {
        long?[] limits = [64 * Mb, 96 * Mb];

        var refusal = WorkloadAvailability.MemoryRefusal(128 * Mb, limits);

        Assert.Equal("no worker node can run it: one item needs 128 MB, more than the largest memory limit of the 2 worker nodes that are up (96 MB)", refusal);
    }

    [Fact]
    public void Should_name_the_one_worker_node_when_only_one_is_up()
    {
        var refusal = WorkloadAvailability.MemoryRefusal(128 * Mb, [64 * Mb]);

        Assert.Equal("no worker node can run it: one item needs 128 MB, more than the memory limit of the worker node that is up (64 MB)", refusal);
    }

    [Theory]
    [InlineData(128L, 128L)] // exactly the limit is taken, as the node itself takes it
    [InlineData(128L, 256L)]
    [InlineData(128L, null)] // a node whose limit is unknown takes anything
    public void Should_let_a_job_run_when_one_worker_node_takes_its_items(long needMb, long? roomyMb)
    {
        long?[] limits = [64 * Mb, roomyMb * Mb];

        Assert.Null(WorkloadAvailability.MemoryRefusal(needMb * Mb, limits));
        Assert.Null(new NodeBounds(8, roomyMb * Mb).MemoryRefusal(needMb * Mb)); // the node agrees
    }

    [Fact]
    public void Should_let_a_job_wait_for_memory_when_no_worker_node_is_up_yet()
    {
        Assert.Null(WorkloadAvailability.MemoryRefusal(128 * Mb, []));
    }

    [Fact]
    public void Should_read_back_the_memory_limit_a_node_advertises_in_its_roles()
    {
        var roles = new[] { "coordinator", "worker", WorkloadRoles.ToRole(Lfsr), MemoryLimitRole.ToRole(64 * Mb) };

        Assert.Equal(64 * Mb, MemoryLimitRole.Parse(roles));
        Assert.Null(MemoryLimitRole.Parse(["worker", "memory-limit.", "memory-limit.-5", "memory-limit.x"]));
        Assert.Equal("memory-limit.67108864", MemoryLimitRole.ToRole(64 * Mb));
    }
}
