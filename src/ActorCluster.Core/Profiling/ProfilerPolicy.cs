using ActorCluster.Abstractions;

namespace ActorCluster.Core.Profiling;

/// <summary>The seed policies, and <see cref="Auto"/> which picks one from each job's kind.</summary>
public enum ProfilerPolicy
{
    Auto,
    CpuBound,
    AudioAnalysis,
    Sweep,
    IoBound,
    MemoryAware,
}

public static class ProfilerPolicies
{
    public static IReadOnlyList<ProfilerPolicy> Concrete { get; } =
        [ProfilerPolicy.CpuBound, ProfilerPolicy.AudioAnalysis, ProfilerPolicy.Sweep, ProfilerPolicy.IoBound, ProfilerPolicy.MemoryAware];

    public static string Name(this ProfilerPolicy policy) => policy switch
    {
        ProfilerPolicy.Auto => "auto",
        ProfilerPolicy.CpuBound => "cpu-bound",
        ProfilerPolicy.AudioAnalysis => "audio-analysis",
        ProfilerPolicy.Sweep => "sweep",
        ProfilerPolicy.IoBound => "io-bound",
        ProfilerPolicy.MemoryAware => "memory-aware",
        _ => throw new ArgumentOutOfRangeException(nameof(policy)),
    };

    public static string AllNames => string.Join(", ", Enum.GetValues<ProfilerPolicy>().Select(Name));

    public static bool TryParse(string text, out ProfilerPolicy policy)
    {
        foreach (var candidate in Enum.GetValues<ProfilerPolicy>())
        {
            if (string.Equals(candidate.Name(), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                policy = candidate;
                return true;
            }
        }
        policy = default;
        return false;
    }

    /// <summary>The policy <see cref="ProfilerPolicy.Auto"/> picks for a workload kind.</summary>
    public static ProfilerPolicy ForKind(WorkloadKind kind) => kind switch
    {
        WorkloadKind.IoBound => ProfilerPolicy.IoBound,
        WorkloadKind.MemoryHeavy => ProfilerPolicy.MemoryAware,
        WorkloadKind.AudioAnalysis => ProfilerPolicy.AudioAnalysis,
        _ => ProfilerPolicy.CpuBound,
    };
}
