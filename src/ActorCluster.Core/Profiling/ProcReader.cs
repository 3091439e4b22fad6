using System.Globalization;

namespace ActorCluster.Core.Profiling;

/// <summary>Parses the /proc and /sys files that describe the host and this process.</summary>
public sealed class ProcReader(FileTree files)
{
    /// <summary>Online logical CPUs: /sys/devices/system/cpu/online, else the processor lines of /proc/cpuinfo.</summary>
    public int? LogicalCores()
    {
        if (CpuListCount(files.Read("/sys/devices/system/cpu/online")) is { } online and > 0)
            return online;
        var cpuinfo = files.Read("/proc/cpuinfo");
        if (cpuinfo is null) return null;
        var count = cpuinfo.Split('\n').Count(l => l.StartsWith("processor", StringComparison.Ordinal));
        return count > 0 ? count : null;
    }

    /// <summary>CPUs this process may run on, from <c>Cpus_allowed_list</c> (what <c>taskset</c> changes).</summary>
    public int? AffinityCores() => CpuListCount(StatusValue("Cpus_allowed_list"));

    /// <summary>Resident set size of this process in bytes.</summary>
    public long? ProcessRssBytes() => KbValue(StatusValue("VmRSS"));

    public (long Total, long Available)? Meminfo()
    {
        var text = files.Read("/proc/meminfo");
        if (text is null) return null;
        long? total = null, available = null, free = null, cached = null;
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            var value = KbValue(line[(colon + 1)..]);
            switch (line[..colon])
            {
                case "MemTotal": total = value; break;
                case "MemAvailable": available = value; break;
                case "MemFree": free = value; break;
                case "Cached": cached = value; break;
            }
        }
        if (total is null) return null;
        // Kernels before 3.14 have no MemAvailable; free + page cache is the old approximation.
        return (total.Value, available ?? (free ?? 0) + (cached ?? 0));
    }

    public double? LoadAverage()
    {
        var text = files.Read("/proc/loadavg");
        var first = text?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    /// <summary>Counts a kernel CPU list such as <c>0-3,8,10-11</c>.</summary>
    public static int? CpuListCount(string? list)
    {
        if (string.IsNullOrWhiteSpace(list)) return null;
        var count = 0;
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-');
            if (dash < 0)
            {
                if (!int.TryParse(part, out _)) return null;
                count++;
            }
            else if (int.TryParse(part[..dash], out var from) && int.TryParse(part[(dash + 1)..], out var to) && to >= from)
            {
                count += to - from + 1;
            }
            else
            {
                return null;
            }
        }
        return count;
    }

    private string? StatusValue(string key)
    {
        var text = files.Read("/proc/self/status");
        if (text is null) return null;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(key, StringComparison.Ordinal) && line.Length > key.Length && line[key.Length] == ':')
                return line[(key.Length + 1)..].Trim();
        }
        return null;
    }

    /// <summary>"12345 kB" to bytes.</summary>
    private static long? KbValue(string? text)
    {
        var first = text?.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return long.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
    }
}
