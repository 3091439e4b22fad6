using System.Diagnostics;

namespace ActorCluster.Core.Profiling;

/// <summary>
/// Takes a <see cref="ResourceSnapshot"/> from /proc, the cgroup files and the runtime. The file system
/// root is a parameter so the parsing can be tested on fixture trees for cgroup v1, v2 and none; on a
/// fixture tree the runtime's own numbers (GC, this process's CPU time) are left out.
/// Not thread-safe: it remembers the previous sample to turn CPU time into a load.
/// </summary>
public sealed class ResourceDetector(string root = "/")
{
    private readonly FileTree _files = new(root);
    private TimeSpan? _lastCpu;
    private long _lastTimestamp;

    public ResourceSnapshot Detect()
    {
        var proc = new ProcReader(_files);
        var cgroup = new CgroupReader(_files);
        var real = _files.IsRealRoot;
        var logical = proc.LogicalCores() ?? (real ? Environment.ProcessorCount : 1);
        var memory = cgroup.Memory();
        var meminfo = proc.Meminfo();
        var gc = real ? GC.GetGCMemoryInfo() : default;
        var snapshot = new ResourceSnapshot
        {
            LogicalCores = Math.Max(1, logical),
            AffinityCores = Math.Max(1, proc.AffinityCores() ?? (real ? Environment.ProcessorCount : logical)),
            CpuQuotaCores = cgroup.CpuQuotaCores(),
            TotalMemoryBytes = meminfo?.Total ?? (real ? gc.TotalAvailableMemoryBytes : 0),
            AvailableMemoryBytes = meminfo?.Available ?? 0,
            CgroupMemoryLimitBytes = memory.Limit,
            CgroupMemoryUsageBytes = memory.Limit is null ? null : memory.Usage,
            ProcessRssBytes = proc.ProcessRssBytes() ?? (real ? Environment.WorkingSet : 0),
            GcHeapBytes = real ? gc.HeapSizeBytes : 0,
            GcTotalAvailableBytes = real ? gc.TotalAvailableMemoryBytes : 0,
            LoadAverage = proc.LoadAverage(),
        };
        return real ? snapshot with { ProcessCpuFraction = CpuSinceLastSample(snapshot.EffectiveCores) } : snapshot;
    }

    private double? CpuSinceLastSample(int cores)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var now = Stopwatch.GetTimestamp();
        double? fraction = null;
        if (_lastCpu is { } lastCpu)
        {
            var wall = Stopwatch.GetElapsedTime(_lastTimestamp, now);
            if (wall > TimeSpan.Zero)
                fraction = Math.Clamp((cpu - lastCpu) / wall / cores, 0, 1);
        }
        _lastCpu = cpu;
        _lastTimestamp = now;
        return fraction;
    }
}
