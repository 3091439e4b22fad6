using ActorCluster.Abstractions;

namespace ActorCluster.Core.Profiling;

/// <summary>A pool size and the one-line reason it was chosen (printed at start-up and in report.json).</summary>
public sealed record WorkerPlan(int PoolSize, string Policy, string Reason);

/// <summary>Where a setting came from, in precedence order: flag beats environment beats config beats detection.</summary>
public enum SettingSource { CommandLine, Environment, ConfigFile, AutoDetected }

/// <summary>A user's fixed worker count and where it was set.</summary>
public sealed record WorkerOverride(int Workers, SettingSource Source, string SettingName);

public static class WorkerPolicies
{
    /// <summary>CPU-bound: one worker per effective core; never more than cores, never fewer than 1.</summary>
    public static WorkerPlan CpuBound(ResourceSnapshot snapshot) =>
        new(snapshot.EffectiveCores, "cpu-bound", $"cpu-bound: {snapshot.DescribeCores()}");

    /// <summary>The plan for a node: a user's override wins, otherwise the policy for the workload kind.</summary>
    public static WorkerPlan PlanFor(ResourceSnapshot snapshot, WorkloadKind kind, WorkerOverride? userOverride)
    {
        if (userOverride is not null)
            return new WorkerPlan(userOverride.Workers, "override",
                $"{userOverride.Workers} workers set by {userOverride.SettingName} ({Describe(userOverride.Source)})");
        return CpuBound(snapshot);
    }

    public static string Describe(SettingSource source) => source switch
    {
        SettingSource.CommandLine => "command-line flag",
        SettingSource.Environment => "environment variable",
        SettingSource.ConfigFile => "config file",
        _ => "auto-detected",
    };
}
