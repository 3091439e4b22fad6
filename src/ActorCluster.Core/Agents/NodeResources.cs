using ActorCluster.Core.Profiling;

namespace ActorCluster.Core.Agents;

/// <summary>
/// What the node agent knows of its node's resources: the latest snapshot, each job's plan from it, and
/// the cap memory pressure puts on the pool. Without a profiler every job gets the fixed plan.
/// </summary>
/// <param name="planner">The profiler's planner; null = every job runs on <paramref name="fixedPlan"/>.</param>
/// <param name="sample">Takes a snapshot on demand; null = only the snapshots passed to <see cref="Sampled"/>.</param>
public sealed class NodeResources(NodePlanner? planner, Func<ResourceSnapshot>? sample, WorkerPlan fixedPlan, PressureThresholds pressure)
{
    private readonly MemoryPressureGovernor _governor = new(pressure);

    public ResourceSnapshot? Latest { get; private set; }

    /// <summary>True while memory is so full that the node must not ask for more work.</summary>
    public bool Paused => _governor.Paused;

    /// <summary>True while memory pressure caps the pool below what is planned.</summary>
    public bool Capped => _governor.Cap is not null;

    /// <summary>The pool size memory pressure allows for a planned size.</summary>
    public int Limit(int planned) => _governor.Limit(planned);

    public WorkerPlan PlanFor(WorkloadTraits workload)
    {
        if (planner is null) return fixedPlan;
        // A job can arrive before the sampler's first snapshot: take one now rather than plan blind.
        if (Latest is null && sample is not null)
            Latest = planner.Apply(sample());
        return Latest is { } snapshot ? planner.PlanFor(snapshot, workload) : fixedPlan;
    }

    /// <summary>Takes a new snapshot as the latest and returns what memory pressure decided from it.</summary>
    /// <param name="planned">The pool the plans want without pressure.</param>
    /// <param name="memoryPerWorkerBytes">What one worker costs or frees; 0 = unknown.</param>
    public IReadOnlyList<PressureEvent> Sampled(ResourceSnapshot sampled, int planned, long memoryPerWorkerBytes)
    {
        var snapshot = planner?.Apply(sampled) ?? sampled;
        Latest = snapshot;
        return _governor.Observe(snapshot.MemoryUse, planned, memoryPerWorkerBytes);
    }
}
