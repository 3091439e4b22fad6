using ActorCluster.Core.Profiling;

namespace ActorCluster.Core.Agents;

/// <summary>
/// The most a node lets anyone ask of it at run time: a pool-size change is clamped to its worker bound whoever sends
/// it, and a job whose items each need more memory than the node may use is refused rather than started.
/// The bounds are the ones start-up settings are validated against (<see cref="SettingsResolver"/>).
/// </summary>
/// <param name="MaxWorkers">Most workers the pool may have.</param>
/// <param name="MemoryLimitBytes">The tightest memory limit on this node (host, cgroup or --memory-limit-mb); null = unknown.</param>
public sealed record NodeBounds(int MaxWorkers, long? MemoryLimitBytes)
{
    /// <summary>No machine known: only the absolute worker bound applies.</summary>
    public static NodeBounds Unknown { get; } = new(SettingsResolver.MaxWorkers, null);

    public static NodeBounds Of(ResourceSnapshot snapshot) =>
        new(SettingsResolver.MaxWorkersOn(snapshot), snapshot.MemoryLimitBytes > 0 ? snapshot.MemoryLimitBytes : null);

    public int ClampWorkers(int requested) => Math.Clamp(requested, 1, MaxWorkers);

    /// <summary>Why a job whose items each allocate <paramref name="requestPerItemBytes"/> cannot run here, or null when it can.</summary>
    public string? MemoryRefusal(long requestPerItemBytes) =>
        Admits(MemoryLimitBytes, requestPerItemBytes)
            ? null
            : $"one item needs {ResourceSnapshot.Mb(requestPerItemBytes)}, more than this node's memory limit of {ResourceSnapshot.Mb(MemoryLimitBytes!.Value)}";

    /// <summary>
    /// Whether a node with <paramref name="limitBytes"/> (null = unknown) takes a job whose items each allocate
    /// <paramref name="requestPerItemBytes"/>: the one rule for the node itself and for a coordinator judging it from its roles.
    /// </summary>
    public static bool Admits(long? limitBytes, long requestPerItemBytes) => limitBytes is not { } limit || requestPerItemBytes <= limit;
}
