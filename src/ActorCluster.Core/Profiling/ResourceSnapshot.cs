namespace ActorCluster.Core.Profiling;

/// <summary>What a node has to work with at one moment. Policies are pure functions of it.</summary>
public sealed record ResourceSnapshot
{
    /// <summary>Logical processors the machine reports.</summary>
    public required int LogicalCores { get; init; }

    /// <summary>Processors this process may run on (its affinity set, e.g. after <c>taskset</c>).</summary>
    public required int AffinityCores { get; init; }

    /// <summary>The cgroup CPU quota in cores (1.5 = one and a half CPUs); null when there is no limit.</summary>
    public double? CpuQuotaCores { get; init; }

    /// <summary>Host memory (<c>MemTotal</c>).</summary>
    public long TotalMemoryBytes { get; init; }

    /// <summary>Host memory the kernel could give out now without swapping (<c>MemAvailable</c>).</summary>
    public long AvailableMemoryBytes { get; init; }

    /// <summary>The cgroup memory limit; null when there is none ("no limit" must not read as a huge number).</summary>
    public long? CgroupMemoryLimitBytes { get; init; }

    /// <summary>Memory the cgroup uses, without reclaimable file cache.</summary>
    public long? CgroupMemoryUsageBytes { get; init; }

    /// <summary>The user's memory budget for this node (<c>ACTORCLUSTER_MEMORY_LIMIT_MB</c>); measured against the process RSS.</summary>
    public long? UserMemoryLimitBytes { get; init; }

    public long ProcessRssBytes { get; init; }

    /// <summary>Managed heap size after the last GC.</summary>
    public long GcHeapBytes { get; init; }

    /// <summary>What the GC believes it may use (it honours cgroup limits and <c>GCHeapHardLimit</c>).</summary>
    public long GcTotalAvailableBytes { get; init; }

    /// <summary>This process's CPU use since the previous sample, as a fraction of its effective cores; null on the first sample.</summary>
    public double? ProcessCpuFraction { get; init; }

    /// <summary>The host's 1-minute load average.</summary>
    public double? LoadAverage { get; init; }

    public DateTimeOffset TakenAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Cores a CPU-bound pool can really use: the tightest of logical cores, affinity and quota, at least 1.</summary>
    public int EffectiveCores
    {
        get
        {
            var cores = Math.Min(LogicalCores, AffinityCores);
            if (CpuQuotaCores is { } quota)
                cores = Math.Min(cores, (int)Math.Ceiling(quota - 1e-9));
            return Math.Max(1, cores);
        }
    }

    /// <summary>
    /// How full memory is, by whichever measure is tightest: the host, the cgroup, or the user's budget.
    /// The tightest one is what would kill or stall the node first.
    /// </summary>
    public MemoryUse MemoryUse
    {
        get
        {
            var uses = new List<MemoryUse>();
            if (TotalMemoryBytes > 0)
                uses.Add(new MemoryUse("host", TotalMemoryBytes - AvailableMemoryBytes, TotalMemoryBytes));
            if (CgroupMemoryLimitBytes is { } cgLimit && cgLimit > 0)
                uses.Add(new MemoryUse("cgroup", CgroupMemoryUsageBytes ?? ProcessRssBytes, cgLimit));
            if (UserMemoryLimitBytes is { } userLimit && userLimit > 0)
                uses.Add(new MemoryUse("node limit", ProcessRssBytes, userLimit));
            return uses.Count == 0 ? new MemoryUse("unknown", 0, 0) : uses.MaxBy(u => u.Fraction)!;
        }
    }

    /// <summary>The tightest memory limit that applies to this node.</summary>
    public long MemoryLimitBytes =>
        new[] { TotalMemoryBytes > 0 ? TotalMemoryBytes : (long?)null, CgroupMemoryLimitBytes, UserMemoryLimitBytes }
            .Where(v => v is > 0).Select(v => v!.Value).DefaultIfEmpty(0).Min();

    /// <summary>Memory this node can still take on before any limit reaches <paramref name="highWater"/> (0.8 = 80%).</summary>
    public long MemoryHeadroomBytes(double highWater)
    {
        var headrooms = new List<long>();
        if (TotalMemoryBytes > 0)
            headrooms.Add((long)(highWater * TotalMemoryBytes) - (TotalMemoryBytes - AvailableMemoryBytes));
        if (CgroupMemoryLimitBytes is { } cgLimit && cgLimit > 0)
            headrooms.Add((long)(highWater * cgLimit) - (CgroupMemoryUsageBytes ?? ProcessRssBytes));
        if (UserMemoryLimitBytes is { } userLimit && userLimit > 0)
            headrooms.Add((long)(highWater * userLimit) - ProcessRssBytes);
        return headrooms.Count == 0 ? 0 : Math.Max(0, headrooms.Min());
    }

    /// <summary>Memory free right now, by the tightest measure (what "available memory" means for chunk sizing).</summary>
    public long EffectiveAvailableBytes => MemoryHeadroomBytes(1.0);

    /// <summary>Explains where <see cref="EffectiveCores"/> came from, for the profiler's one-line reason.</summary>
    public string DescribeCores()
    {
        var quota = CpuQuotaCores is { } q ? $"cgroup quota {q:0.##} CPUs" : "no cgroup CPU quota";
        return $"{EffectiveCores} effective cores ({LogicalCores} logical, {AffinityCores} in affinity set, {quota})";
    }

    public string DescribeMemory()
    {
        var use = MemoryUse;
        var cg = CgroupMemoryLimitBytes is { } l ? $"cgroup limit {Mb(l)}" : "no cgroup memory limit";
        var user = UserMemoryLimitBytes is { } u ? $", node limit {Mb(u)}" : "";
        return $"{Percent(use.Fraction)} of {use.Source} memory used ({Mb(use.UsedBytes)} of {Mb(use.LimitBytes)}; host {Mb(AvailableMemoryBytes)} available of {Mb(TotalMemoryBytes)}, {cg}{user})";
    }

    public static string Mb(long bytes) => $"{bytes / (1024 * 1024)} MB";

    /// <summary>0.85 as "85%" whatever the culture: these strings end up in logs and report.json.</summary>
    public static string Percent(double fraction) => $"{Math.Round(fraction * 100).ToString(System.Globalization.CultureInfo.InvariantCulture)}%";
}

/// <summary>Used and limit bytes of one memory measure; <see cref="Source"/> names it (host, cgroup, memory limit).</summary>
public readonly record struct MemoryUse(string Source, long UsedBytes, long LimitBytes)
{
    public double Fraction => LimitBytes <= 0 ? 0 : Math.Clamp((double)UsedBytes / LimitBytes, 0, 10);
}
