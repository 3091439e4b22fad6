using ActorCluster.Core.Profiling;

namespace ActorCluster.Core.Tests.Profiling;

public sealed class ResourceDetectorSpecs : IDisposable
{
    private const long Mb = 1024 * 1024;
    private readonly FixtureTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private FixtureTree CgroupV2(string cpuMax, string memoryMax, string memoryCurrent = "104857600", string path = "/")
    {
        var dir = "/sys/fs/cgroup" + (path == "/" ? "" : path);
        return _tree.Host()
            .With("/proc/self/cgroup", $"0::{path}\n")
            .With("/proc/self/mountinfo", "25 30 0:23 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n")
            .With("/sys/fs/cgroup/cgroup.controllers", "cpu memory io")
            .With($"{dir}/cpu.max", cpuMax)
            .With($"{dir}/memory.max", memoryMax)
            .With($"{dir}/memory.current", memoryCurrent)
            .With($"{dir}/memory.stat", "anon 80000000\nfile 24857600\ninactive_file 4857600\n");
    }

    /// <summary>Like this project's CI box: v1 controllers, a unified mount without controllers, the process in a nested memory cgroup.</summary>
    private FixtureTree CgroupV1(string quota, string period, string leafLimit, string parentLimit = "9223372036854771712")
    {
        const string cg = "/process_api/e100b7";
        return _tree.Host()
            .With("/proc/self/cgroup", $"9:name=systemd:/\n4:memory:{cg}\n3:cpuset:/\n1:cpu:/\n0::/\n")
            .With("/proc/self/mountinfo",
                "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n" +
                "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n" +
                "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n" +
                "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n")
            .With("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", quota)
            .With("/sys/fs/cgroup/cpu/cpu.cfs_period_us", period)
            .With("/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712")
            .With("/sys/fs/cgroup/memory/process_api/memory.limit_in_bytes", parentLimit)
            .With($"/sys/fs/cgroup/memory{cg}/memory.limit_in_bytes", leafLimit)
            .With($"/sys/fs/cgroup/memory{cg}/memory.usage_in_bytes", "209715200")
            .With($"/sys/fs/cgroup/memory{cg}/memory.stat", "cache 10485760\ntotal_inactive_file 10485760\n")
            .With("/sys/fs/cgroup/unified/cgroup.controllers", "");
    }

    [Fact]
    public void Should_read_a_cgroup_v2_quota_and_memory_limit()
    {
        var tree = CgroupV2("200000 100000", (2048 * Mb).ToString());

        var snapshot = new ResourceDetector(tree.Root).Detect();

        Assert.Equal(2.0, snapshot.CpuQuotaCores);
        Assert.Equal(2, snapshot.EffectiveCores);
        Assert.Equal(2048 * Mb, snapshot.CgroupMemoryLimitBytes);
        Assert.Equal(104857600 - 4857600, snapshot.CgroupMemoryUsageBytes); // page cache that can be reclaimed does not count
    }

    [Fact]
    public void Should_keep_no_limit_distinct_from_a_limit_on_cgroup_v2()
    {
        var tree = CgroupV2("max 100000", "max");

        var snapshot = new ResourceDetector(tree.Root).Detect();

        Assert.Null(snapshot.CpuQuotaCores);
        Assert.Null(snapshot.CgroupMemoryLimitBytes);
        Assert.Equal(4, snapshot.EffectiveCores);
        Assert.Equal("host", snapshot.MemoryUse.Source);
    }

    [Fact]
    public void Should_take_a_fractional_quota_of_one_and_a_half_cpus_as_two_effective_cores()
    {
        var tree = CgroupV2("150000 100000", "max");

        var snapshot = new ResourceDetector(tree.Root).Detect();

        Assert.Equal(1.5, snapshot.CpuQuotaCores);
        Assert.Equal(2, snapshot.EffectiveCores);
        Assert.Contains("cgroup quota 1.5 CPUs", snapshot.DescribeCores());
    }

    [Fact]
    public void Should_find_the_process_cgroup_below_the_v2_mount_and_apply_parent_limits()
    {
        var tree = CgroupV2("max", "max", path: "/system.slice/node.service")
            .With("/sys/fs/cgroup/system.slice/cpu.max", "100000 100000")
            .With("/sys/fs/cgroup/system.slice/memory.max", (512 * Mb).ToString());

        var snapshot = new ResourceDetector(tree.Root).Detect();

        Assert.Equal(1.0, snapshot.CpuQuotaCores);
        Assert.Equal(1, snapshot.EffectiveCores);
        Assert.Equal(512 * Mb, snapshot.CgroupMemoryLimitBytes);
    }

    [Fact]
    public void Should_read_a_cgroup_v1_quota_and_the_nested_memory_limit()
    {
        var tree = CgroupV1("50000", "100000", (1024 * Mb).ToString());

        var snapshot = new ResourceDetector(tree.Root).Detect();

        Assert.Equal(0.5, snapshot.CpuQuotaCores);
        Assert.Equal(1, snapshot.EffectiveCores);
        Assert.Equal(1024 * Mb, snapshot.CgroupMemoryLimitBytes);
        Assert.Equal(190 * Mb, snapshot.CgroupMemoryUsageBytes); // 200 MB charged, 10 MB of it reclaimable cache
    }

    [Fact]
    public void Should_read_cgroup_v1_unlimited_values_as_no_limit()
    {
        var tree = CgroupV1("-1", "100000", "9223372036854771712");

        var snapshot = new ResourceDetector(tree.Root).Detect();

        Assert.Null(snapshot.CpuQuotaCores);
        Assert.Null(snapshot.CgroupMemoryLimitBytes);
        Assert.Null(snapshot.CgroupMemoryUsageBytes);
    }

    [Fact]
    public void Should_apply_a_parent_cgroup_v1_memory_limit_tighter_than_the_leaf()
    {
        var tree = CgroupV1("-1", "100000", "9223372036854771712", parentLimit: (300 * Mb).ToString());

        var snapshot = new ResourceDetector(tree.Root).Detect();

        Assert.Equal(300 * Mb, snapshot.CgroupMemoryLimitBytes);
    }

    [Fact]
    public void Should_report_no_cgroup_limits_when_no_cgroup_is_mounted()
    {
        var tree = _tree.Host(cores: 8).With("/proc/self/cgroup", "0::/\n").With("/proc/self/mountinfo", "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n");

        var snapshot = new ResourceDetector(tree.Root).Detect();

        Assert.Null(snapshot.CpuQuotaCores);
        Assert.Null(snapshot.CgroupMemoryLimitBytes);
        Assert.Equal(8, snapshot.LogicalCores);
        Assert.Equal(8, snapshot.EffectiveCores);
        Assert.Equal(16L * 1024 * Mb, snapshot.TotalMemoryBytes);
        Assert.Equal(12L * 1024 * Mb, snapshot.AvailableMemoryBytes);
        Assert.Equal(200 * Mb, snapshot.ProcessRssBytes);
        Assert.Equal(0.52, snapshot.LoadAverage);
    }

    [Fact]
    public void Should_make_a_cgroup_memory_limit_smaller_than_the_host_the_tightest_measure()
    {
        var tree = CgroupV2("max", (1024 * Mb).ToString(), memoryCurrent: (900 * Mb).ToString());

        var snapshot = new ResourceDetector(tree.Root).Detect();

        Assert.Equal(1024 * Mb, snapshot.MemoryLimitBytes);
        Assert.Equal("cgroup", snapshot.MemoryUse.Source);
        Assert.InRange(snapshot.MemoryUse.Fraction, 0.87, 0.88);
        Assert.Equal(0, snapshot.MemoryHeadroomBytes(0.8)); // already above 80% of the cgroup, whatever the host has free
    }

    [Fact]
    public void Should_count_the_affinity_set_that_taskset_leaves()
    {
        var tree = _tree.Host(cores: 16, allowed: "0,4-5");

        var snapshot = new ResourceDetector(tree.Root).Detect();

        Assert.Equal(16, snapshot.LogicalCores);
        Assert.Equal(3, snapshot.AffinityCores);
        Assert.Equal(3, snapshot.EffectiveCores);
    }

    [Theory]
    [InlineData("0", 1)]
    [InlineData("0-3", 4)]
    [InlineData("0-1,8,10-11", 5)]
    [InlineData("", null)]
    [InlineData("3-1", null)]
    public void Should_count_kernel_cpu_lists(string list, int? expected) =>
        Assert.Equal(expected, ProcReader.CpuListCount(list));

    [Fact]
    public void Should_detect_the_real_machine_with_sane_values()
    {
        var detector = new ResourceDetector();

        var first = detector.Detect();
        var second = detector.Detect();

        Assert.InRange(first.EffectiveCores, 1, first.LogicalCores);
        Assert.True(first.TotalMemoryBytes > 0);
        Assert.True(first.ProcessRssBytes > 0);
        Assert.True(first.GcTotalAvailableBytes > 0);
        Assert.Null(first.ProcessCpuFraction); // no previous sample to measure against
        Assert.NotNull(second.ProcessCpuFraction);
    }
}
