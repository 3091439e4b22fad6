using System.Globalization;

namespace ActorCluster.Core.Profiling;

/// <summary>
/// Finds this process's cgroup (v1, v2 or hybrid) and reads its CPU quota and memory limit.
/// The process's own cgroup comes from <c>/proc/self/cgroup</c> and where it is mounted from
/// <c>/proc/self/mountinfo</c>; limits of parent cgroups apply too, so the tightest level wins.
/// </summary>
public sealed class CgroupReader(FileTree files)
{
    /// <summary>cgroup v1 writes "no limit" as a page-rounded long.MaxValue; anything this big is not a limit.</summary>
    private const long UnlimitedThreshold = 1L << 60;

    /// <summary>CPU quota in cores; null = no limit.</summary>
    public double? CpuQuotaCores()
    {
        double? tightest = null;
        if (Directories("cpu") is { } v1)
        {
            foreach (var dir in v1)
            {
                var quota = ParseLong(files.Read($"{dir}/cpu.cfs_quota_us"));
                var period = ParseLong(files.Read($"{dir}/cpu.cfs_period_us"));
                if (quota is > 0 && period is > 0)
                    tightest = Min(tightest, (double)quota.Value / period.Value); // -1 means unlimited
            }
            return tightest;
        }
        foreach (var dir in Directories(null) ?? [])
        {
            var parts = files.Read($"{dir}/cpu.max")?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts is not { Length: >= 1 } || parts[0] == "max") continue;
            var quota = ParseLong(parts[0]);
            var period = parts.Length >= 2 ? ParseLong(parts[1]) : 100_000;
            if (quota is > 0 && period is > 0)
                tightest = Min(tightest, (double)quota.Value / period.Value);
        }
        return tightest;
    }

    /// <summary>The memory limit (null = none) and the cgroup's usage without reclaimable file cache.</summary>
    public (long? Limit, long? Usage) Memory()
    {
        if (Directories("memory") is { } v1)
            return Memory(v1, "memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file");
        return Directories(null) is { } v2 ? Memory(v2, "memory.max", "memory.current", "inactive_file") : (null, null);
    }

    private (long? Limit, long? Usage) Memory(IReadOnlyList<string> dirs, string limitFile, string usageFile, string inactiveKey)
    {
        long? limit = null;
        foreach (var dir in dirs)
        {
            var value = files.Read($"{dir}/{limitFile}");
            if (value is null or "max") continue;
            if (ParseLong(value) is { } l and > 0 and < UnlimitedThreshold)
                limit = limit is null ? l : Math.Min(limit.Value, l);
        }
        var leaf = dirs[0];
        var usage = ParseLong(files.Read($"{leaf}/{usageFile}"));
        // Page cache counts as usage but the kernel reclaims it before it would OOM-kill us; docker and
        // the .NET runtime subtract it the same way.
        if (usage is { } u && StatValue(files.Read($"{leaf}/memory.stat"), inactiveKey) is { } inactive && inactive <= u)
            usage = u - inactive;
        return (limit, usage);
    }

    /// <summary>
    /// The cgroup directories of this process for a v1 controller (or v2 when <paramref name="controller"/>
    /// is null), leaf first and then each parent up to the mount point; null when there is no such hierarchy.
    /// </summary>
    public IReadOnlyList<string>? Directories(string? controller)
    {
        var mount = FindMount(controller);
        if (mount is null) return null;
        var cgroupPath = OwnCgroupPath(controller) ?? "/";
        // Inside a cgroup namespace the mount root is the process's cgroup itself, or the path is relative to it.
        var relative = mount.Value.Root != "/" && cgroupPath.StartsWith(mount.Value.Root, StringComparison.Ordinal)
            ? cgroupPath[mount.Value.Root.Length..]
            : cgroupPath;
        var leaf = (mount.Value.MountPoint.TrimEnd('/') + "/" + relative.Trim('/')).TrimEnd('/');
        if (!files.DirectoryExists(leaf)) leaf = mount.Value.MountPoint.TrimEnd('/');
        var dirs = new List<string>();
        for (var dir = leaf; dir.Length >= mount.Value.MountPoint.TrimEnd('/').Length; dir = Parent(dir))
        {
            dirs.Add(dir);
            if (dir == mount.Value.MountPoint.TrimEnd('/')) break;
        }
        return dirs;
    }

    private static string Parent(string dir)
    {
        var slash = dir.LastIndexOf('/');
        return slash <= 0 ? "" : dir[..slash];
    }

    private readonly record struct Mount(string Root, string MountPoint);

    private Mount? FindMount(string? controller)
    {
        var mountinfo = files.Read("/proc/self/mountinfo");
        if (mountinfo is not null)
        {
            foreach (var line in mountinfo.Split('\n'))
            {
                // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
                var dash = line.IndexOf(" - ", StringComparison.Ordinal);
                if (dash < 0) continue;
                var left = line[..dash].Split(' ');
                var right = line[(dash + 3)..].Split(' ');
                if (left.Length < 5 || right.Length < 1) continue;
                if (controller is null && right[0] == "cgroup2")
                    return new Mount(left[3], left[4]);
                if (controller is not null && right[0] == "cgroup" && right.Length >= 3
                    && right[2].Split(',').Contains(controller, StringComparer.Ordinal))
                    return new Mount(left[3], left[4]);
            }
            return null;
        }
        // No mountinfo (minimal fixtures, odd kernels): fall back to the conventional mount points.
        if (controller is null)
            return files.Read("/sys/fs/cgroup/cgroup.controllers") is not null || files.Read("/sys/fs/cgroup/cpu.max") is not null
                   || files.Read("/sys/fs/cgroup/memory.max") is not null
                ? new Mount("/", "/sys/fs/cgroup") : null;
        foreach (var candidate in new[] { controller, $"{controller},cpuacct", $"cpuacct,{controller}" })
        {
            if (files.DirectoryExists($"/sys/fs/cgroup/{candidate}"))
                return new Mount("/", $"/sys/fs/cgroup/{candidate}");
        }
        return null;
    }

    private string? OwnCgroupPath(string? controller)
    {
        var text = files.Read("/proc/self/cgroup");
        if (text is null) return null;
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3) continue;
            if (controller is null && parts[0] == "0" && parts[1] == "")
                return parts[2];
            if (controller is not null && parts[1].Split(',').Contains(controller, StringComparer.Ordinal))
                return parts[2];
        }
        return null;
    }

    internal static long? StatValue(string? stat, string key)
    {
        if (stat is null) return null;
        foreach (var line in stat.Split('\n'))
        {
            var space = line.IndexOf(' ');
            if (space > 0 && line.AsSpan(0, space).SequenceEqual(key))
                return ParseLong(line[(space + 1)..]);
        }
        return null;
    }

    internal static long? ParseLong(string? text) =>
        long.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static double? Min(double? a, double b) => a is null ? b : Math.Min(a.Value, b);
}
