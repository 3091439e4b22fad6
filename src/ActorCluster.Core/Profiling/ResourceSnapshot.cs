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

    /// <summary>Explains where <see cref="EffectiveCores"/> came from, for the profiler's one-line reason.</summary>
    public string DescribeCores()
    {
        var quota = CpuQuotaCores is { } q ? $"cgroup quota {q:0.##} CPUs" : "no cgroup CPU quota";
        return $"{EffectiveCores} effective cores ({LogicalCores} logical, {AffinityCores} in affinity set, {quota})";
    }
}
