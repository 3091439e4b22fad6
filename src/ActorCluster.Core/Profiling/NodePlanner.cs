namespace ActorCluster.Core.Profiling;

/// <summary>Turns resolved settings, a snapshot and a workload into the plan a node runs that workload with.</summary>
public sealed class NodePlanner(ProfilerSettings settings)
{
    public ProfilerSettings Settings { get; } = settings;

    /// <summary>A node-level memory limit is part of what the node "has": policies and pressure measure against it.</summary>
    public ResourceSnapshot Apply(ResourceSnapshot snapshot) =>
        Settings.MemoryLimitBytes is { } limit ? snapshot with { UserMemoryLimitBytes = limit } : snapshot;

    public ProfilerPolicy PolicyFor(WorkloadTraits workload) =>
        Settings.Policy.Value == ProfilerPolicy.Auto ? ProfilerPolicies.ForKind(workload.Kind) : Settings.Policy.Value;

    public WorkerPlan PlanFor(ResourceSnapshot snapshot, WorkloadTraits workload)
    {
        snapshot = Apply(snapshot);
        var policy = PolicyFor(workload);
        var plan = WorkerPolicies.Plan(policy, snapshot, workload, Settings.IoLimit.Value);
        if (Settings.Policy.IsSet)
            plan = plan with { Reason = $"{plan.Reason} [policy from {Settings.Policy.Origin}]" };
        if (Settings.Workers.Value is { } workers)
        {
            plan = plan with
            {
                PoolSize = workers,
                Reason = $"{workers} workers set by {Settings.Workers.Origin} ({Sources.Describe(Settings.Workers.Source)}); {policy.Name()} would pick {plan.PoolSize}",
                MemoryBudgetPerWorkerBytes = snapshot.MemoryHeadroomBytes(WorkerPolicies.HighWater) / workers,
            };
        }
        if (Settings.ChunkSize.Value is { } chunk)
            plan = plan with { ChunkSize = chunk, Reason = $"{plan.Reason}; chunk {chunk:N0} set by {Settings.ChunkSize.Origin}" };
        return plan;
    }
}
