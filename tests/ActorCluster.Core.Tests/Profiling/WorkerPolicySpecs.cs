using ActorCluster.Abstractions;
using ActorCluster.Core.Profiling;

namespace ActorCluster.Core.Tests.Profiling;

public sealed class WorkerPolicySpecs
{
    private const long Mb = 1024 * 1024;

    private static readonly WorkloadTraits[] Workloads =
    [
        WorkloadTraits.CpuBound,
        new(WorkloadKind.IoBound) { AverageItemBytes = 2048 * Mb },
        new(WorkloadKind.MemoryHeavy, 512 * Mb),
        new(WorkloadKind.MemoryHeavy, 64 * Mb),
    ];

    private static readonly ProfilerPolicy[] CpuBoundPolicies =
        [ProfilerPolicy.CpuBound, ProfilerPolicy.AudioAnalysis, ProfilerPolicy.Sweep, ProfilerPolicy.MemoryAware];

    [Theory]
    [MemberData(nameof(Machines.All), MemberType = typeof(Machines))]
    public void Should_never_give_zero_workers_nor_more_cpu_bound_workers_than_cores(int cores, int memoryGb)
    {
        var machine = Machines.Of(cores, memoryGb);

        foreach (var policy in ProfilerPolicies.Concrete)
        {
            foreach (var workload in Workloads)
            {
                var plan = WorkerPolicies.Plan(policy, machine, workload);

                Assert.True(plan.PoolSize >= 1, $"{policy.Name()} gave {plan.PoolSize} workers on {cores} cores / {memoryGb} GB");
                if (CpuBoundPolicies.Contains(policy))
                    Assert.True(plan.PoolSize <= cores, $"{policy.Name()} gave {plan.PoolSize} workers on {cores} cores");
                Assert.False(string.IsNullOrWhiteSpace(plan.Reason));
                Assert.DoesNotContain('\n', plan.Reason);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(512)]
    public void Should_give_a_two_core_machine_one_or_two_cpu_bound_workers(int memoryGb)
    {
        var machine = Machines.Of(2, memoryGb);

        foreach (var policy in CpuBoundPolicies)
            Assert.InRange(WorkerPolicies.Plan(policy, machine, WorkloadTraits.CpuBound).PoolSize, 1, 2);
        Assert.Equal(2, WorkerPolicies.Plan(ProfilerPolicy.Auto, machine, WorkloadTraits.CpuBound).PoolSize);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(4, 4)]
    [InlineData(6, 6)]
    [InlineData(8, 6)]
    [InlineData(12, 6)]
    [InlineData(16, 8)]
    [InlineData(32, 16)]
    [InlineData(64, 32)]
    [InlineData(128, 64)]
    public void Should_size_audio_analysis_as_max_of_min_6_and_half_the_cores(int cores, int expected) =>
        Assert.Equal(expected, WorkerPolicies.AudioAnalysis(Machines.Of(cores, 64)).PoolSize);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(6, 4)]
    [InlineData(8, 6)]
    [InlineData(12, 10)]
    [InlineData(16, 14)]
    [InlineData(32, 16)]
    [InlineData(128, 16)]
    public void Should_size_a_sweep_by_the_core_table(int cores, int expected) =>
        Assert.Equal(expected, WorkerPolicies.Sweep(Machines.Of(cores, 64), WorkloadTraits.CpuBound).PoolSize);

    [Theory]
    [InlineData(1, 1024, 10_000)] // 5% of 768 MB / 1 KB = 39,321 rows... but 1 GB total: see below
    [InlineData(64, 1024, 500_000)]
    [InlineData(8, 1024, 314_572)]
    [InlineData(8, 64 * 1024, 10_000)]
    public void Should_size_sweep_chunks_from_5_percent_of_available_memory_clamped(int memoryGb, long bytesPerRow, long expected)
    {
        // Available memory is 75% of total and the 1 GB machine keeps only 0.1 GB free, to hit the lower clamp.
        var machine = memoryGb == 1 ? Machines.Of(4, 1, availableFraction: 0.1) : Machines.Of(4, memoryGb);

        var plan = WorkerPolicies.Sweep(machine, new WorkloadTraits(WorkloadKind.CpuBound) { BytesPerRow = bytesPerRow });

        Assert.Equal(expected, plan.ChunkSize);
        Assert.InRange(plan.ChunkSize!.Value, WorkerPolicies.MinChunk, WorkerPolicies.MaxChunk);
    }

    [Theory]
    [InlineData(0, 45)]
    [InlineData(99, 45)]
    [InlineData(100, 30)]
    [InlineData(500, 30)]
    [InlineData(501, 15)]
    [InlineData(4096, 15)]
    public void Should_size_io_bound_pools_by_item_size(long averageMb, int expected) =>
        Assert.Equal(expected, WorkerPolicies.IoBound(Machines.Of(2, 64), new WorkloadTraits(WorkloadKind.IoBound) { AverageItemBytes = averageMb * Mb }).PoolSize);

    [Fact]
    public void Should_cap_io_bound_pools_by_the_node_io_limit()
    {
        var plan = WorkerPolicies.IoBound(Machines.Of(8, 64), new WorkloadTraits(WorkloadKind.IoBound), ioLimit: 12);

        Assert.Equal(12, plan.PoolSize);
        Assert.Contains("I/O limit 12", plan.Reason);
    }

    [Fact]
    public void Should_cap_io_bound_pools_by_memory_when_items_declare_it()
    {
        // 2 GB host, 75% available: headroom below 80% = 1.6 GB - 0.5 GB used = ~1.1 GB; 256 MB items fit 4.
        var plan = WorkerPolicies.IoBound(Machines.Of(8, 2), new WorkloadTraits(WorkloadKind.IoBound, 256 * Mb));

        Assert.Equal(4, plan.PoolSize);
    }

    [Fact]
    public void Should_fit_memory_aware_pools_into_the_memory_budget()
    {
        var machine = Machines.Of(16, 8) with { UserMemoryLimitBytes = 1024 * Mb, ProcessRssBytes = 200 * Mb };

        var plan = WorkerPolicies.MemoryAware(machine, new WorkloadTraits(WorkloadKind.MemoryHeavy, 100 * Mb));

        // 80% of 1024 MB = 819 MB, minus 200 MB resident = 619 MB: 6 workers of 100 MB.
        Assert.Equal(6, plan.PoolSize);
        Assert.True(plan.PoolSize * 100 * Mb <= 0.8 * 1024 * Mb - 200 * Mb);
        Assert.InRange(plan.MemoryBudgetPerWorkerBytes, 618 * Mb / 6, 620 * Mb / 6);
    }

    [Fact]
    public void Should_keep_one_memory_aware_worker_when_not_even_one_item_fits()
    {
        var machine = Machines.Of(4, 1) with { UserMemoryLimitBytes = 256 * Mb };

        var plan = WorkerPolicies.MemoryAware(machine, new WorkloadTraits(WorkloadKind.MemoryHeavy, 4096 * Mb));

        Assert.Equal(1, plan.PoolSize);
    }

    [Theory]
    [InlineData(WorkloadKind.CpuBound, "cpu-bound")]
    [InlineData(WorkloadKind.IoBound, "io-bound")]
    [InlineData(WorkloadKind.MemoryHeavy, "memory-aware")]
    public void Should_pick_the_policy_from_the_workload_kind_on_auto(WorkloadKind kind, string expected) =>
        Assert.Equal(expected, WorkerPolicies.Plan(ProfilerPolicy.Auto, Machines.Of(4, 16), new WorkloadTraits(kind, Mb)).Policy);

    [Fact]
    public void Should_use_the_cgroup_quota_for_cpu_bound_pools()
    {
        var plan = WorkerPolicies.CpuBound(Machines.Of(64, 256, quota: 1));

        Assert.Equal(1, plan.PoolSize);
        Assert.Contains("cgroup quota 1 CPUs", plan.Reason);
    }
}
