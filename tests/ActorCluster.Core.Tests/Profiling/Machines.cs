using ActorCluster.Core.Profiling;

namespace ActorCluster.Core.Tests.Profiling;

/// <summary>Simulated machines for policy tests.</summary>
public static class Machines
{
    public const long Gb = 1024L * 1024 * 1024;

    public static readonly int[] Cores = [1, 2, 3, 4, 6, 8, 12, 16, 32, 64, 128];
    public static readonly int[] MemoryGb = [1, 2, 4, 8, 16, 64, 256, 512];

    public static ResourceSnapshot Of(int cores, long memoryGb, double availableFraction = 0.75, double? quota = null) => new()
    {
        LogicalCores = cores,
        AffinityCores = cores,
        CpuQuotaCores = quota,
        TotalMemoryBytes = memoryGb * Gb,
        AvailableMemoryBytes = (long)(memoryGb * Gb * availableFraction),
        ProcessRssBytes = 150L * 1024 * 1024,
    };

    public static IEnumerable<object[]> All() =>
        from c in Cores from m in MemoryGb select new object[] { c, m };
}
