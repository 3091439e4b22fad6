using System.Globalization;

namespace ActorCluster.Core.Profiling;

/// <summary>
/// Reads the machine's resources from /proc and the cgroup files. The file system root is a parameter
/// so the parsing can be tested on fixture trees for cgroup v1, v2 and none.
/// </summary>
public sealed class ResourceDetector(string root = "/")
{
    public ResourceSnapshot Detect() => new()
    {
        LogicalCores = Math.Max(1, LogicalCoresFromProc() ?? Environment.ProcessorCount),
        AffinityCores = AffinityCores(),
        CpuQuotaCores = CpuQuotaCores(),
    };

    /// <summary>CPU quota from cgroup v2 <c>cpu.max</c> or v1 <c>cpu.cfs_quota_us</c>/<c>cpu.cfs_period_us</c>; null = no limit.</summary>
    public double? CpuQuotaCores()
    {
        var v2 = Read("sys/fs/cgroup/cpu.max");
        if (v2 is not null)
        {
            var parts = v2.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 1 && parts[0] == "max") return null;
            if (parts.Length == 2 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var quota)
                && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var period) && period > 0 && quota > 0)
                return quota / period;
            return null;
        }
        foreach (var dir in new[] { "sys/fs/cgroup/cpu", "sys/fs/cgroup/cpu,cpuacct", "sys/fs/cgroup/cpuacct,cpu" })
        {
            var quotaText = Read($"{dir}/cpu.cfs_quota_us");
            var periodText = Read($"{dir}/cpu.cfs_period_us");
            if (quotaText is null || periodText is null) continue;
            if (long.TryParse(quotaText, out var q) && long.TryParse(periodText, out var p) && q > 0 && p > 0)
                return (double)q / p;
            return null; // -1 means unlimited
        }
        return null;
    }

    private int? LogicalCoresFromProc()
    {
        // Only used for fixture trees; on a real machine the runtime's count is authoritative.
        if (root == "/") return null;
        var cpuinfo = Read("proc/cpuinfo");
        if (cpuinfo is null) return null;
        var count = cpuinfo.Split('\n').Count(l => l.StartsWith("processor", StringComparison.Ordinal));
        return count > 0 ? count : null;
    }

    private int AffinityCores()
    {
        if (root != "/")
            return LogicalCoresFromProc() ?? Environment.ProcessorCount;
        try
        {
            if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows()) return Environment.ProcessorCount;
            var mask = (ulong)(long)System.Diagnostics.Process.GetCurrentProcess().ProcessorAffinity;
            var count = System.Numerics.BitOperations.PopCount(mask);
            return count > 0 ? count : Environment.ProcessorCount;
        }
        catch (Exception)
        {
            return Environment.ProcessorCount;
        }
    }

    private string? Read(string relative)
    {
        var path = Path.Combine(root, relative);
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
