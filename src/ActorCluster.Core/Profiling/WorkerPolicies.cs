namespace ActorCluster.Core.Profiling;

/// <summary>
/// The seed policies: pure functions from a snapshot and a workload to a plan. None returns fewer than
/// one worker, and none that runs CPU-bound work returns more workers than effective cores.
/// </summary>
public static class WorkerPolicies
{
    public const long DefaultBytesPerRow = 1024;
    public const long MinChunk = 10_000;
    public const long MaxChunk = 500_000;
    public const int DefaultIoLimit = 45;

    /// <summary>Memory use above which pools shrink; also what memory budgets are measured against.</summary>
    public const double HighWater = 0.80;

    private const long Mb = 1024 * 1024;

    public static WorkerPlan Plan(ProfilerPolicy policy, ResourceSnapshot snapshot, WorkloadTraits workload, int ioLimit = DefaultIoLimit) =>
        policy switch
        {
            ProfilerPolicy.Auto => Plan(ProfilerPolicies.ForKind(workload.Kind), snapshot, workload, ioLimit),
            ProfilerPolicy.CpuBound => CpuBound(snapshot),
            ProfilerPolicy.AudioAnalysis => AudioAnalysis(snapshot),
            ProfilerPolicy.Sweep => Sweep(snapshot, workload),
            ProfilerPolicy.IoBound => IoBound(snapshot, workload, ioLimit),
            ProfilerPolicy.MemoryAware => MemoryAware(snapshot, workload),
            _ => throw new ArgumentOutOfRangeException(nameof(policy)),
        };

    /// <summary>One worker per effective core.</summary>
    public static WorkerPlan CpuBound(ResourceSnapshot snapshot)
    {
        var pool = snapshot.EffectiveCores;
        return WithBudget(new WorkerPlan(pool, "cpu-bound", $"cpu-bound: {snapshot.DescribeCores()}"), snapshot);
    }

    /// <summary>
    /// Audio analysis saturates memory bandwidth before cores: up to 6 workers on small machines, half the
    /// cores on big ones. max(min(6, cpus), cpus / 2).
    /// </summary>
    public static WorkerPlan AudioAnalysis(ResourceSnapshot snapshot)
    {
        var cpus = snapshot.EffectiveCores;
        var pool = Math.Max(Math.Min(6, cpus), cpus / 2);
        return WithBudget(new WorkerPlan(pool, "audio-analysis", $"audio-analysis: max(min(6, {cpus}), {cpus} / 2) = {pool} of {snapshot.DescribeCores()}"), snapshot);
    }

    /// <summary>
    /// Parameter sweeps leave cores for the node itself on mid-size machines and stop at 16 workers;
    /// the chunk is 5% of available memory in rows, so a batch never crowds out the others.
    /// </summary>
    public static WorkerPlan Sweep(ResourceSnapshot snapshot, WorkloadTraits workload)
    {
        var cpus = snapshot.EffectiveCores;
        var (pool, rule) = cpus switch
        {
            <= 2 => (1, "cpus <= 2: 1"),
            <= 4 => (cpus - 1, "cpus <= 4: cpus - 1"),
            <= 8 => (cpus - 2, "cpus <= 8: cpus - 2"),
            _ => (Math.Min(cpus - 2, 16), "min(cpus - 2, 16)"),
        };
        var bytesPerRow = Math.Max(1, workload.BytesPerRow);
        var chunk = Math.Clamp(snapshot.EffectiveAvailableBytes / 20 / bytesPerRow, MinChunk, MaxChunk);
        var plan = new WorkerPlan(pool, "sweep",
            $"sweep: {cpus} effective cores, {rule} = {pool}; chunk = 5% of {ResourceSnapshot.Mb(snapshot.EffectiveAvailableBytes)} available / {bytesPerRow} B per row = {chunk:N0} rows")
        { ChunkSize = chunk };
        return WithBudget(plan, snapshot);
    }

    /// <summary>
    /// I/O-bound work waits, so it runs many more workers than cores — fewer as items grow, capped by the
    /// node's I/O limit and, when items declare their memory, by the memory headroom.
    /// </summary>
    public static WorkerPlan IoBound(ResourceSnapshot snapshot, WorkloadTraits workload, int ioLimit = DefaultIoLimit)
    {
        var average = workload.AverageItemBytes;
        var (bySize, sizeRule) = average switch
        {
            < 100 * Mb => (45, "items < 100 MB: 45"),
            <= 500 * Mb => (30, "items 100-500 MB: 30"),
            _ => (15, "items > 500 MB: 15"),
        };
        var pool = Math.Min(bySize, Math.Max(1, ioLimit));
        var reason = $"io-bound: {sizeRule}, I/O limit {ioLimit}";
        if (workload.MemoryPerItemBytes > 0)
        {
            var fit = (int)Math.Clamp(snapshot.MemoryHeadroomBytes(HighWater) / workload.MemoryPerItemBytes, 1, int.MaxValue);
            if (fit < pool)
            {
                pool = fit;
                reason += $", memory fits {fit} x {ResourceSnapshot.Mb(workload.MemoryPerItemBytes)}";
            }
        }
        return WithBudget(new WorkerPlan(Math.Max(1, pool), "io-bound", $"{reason} = {Math.Max(1, pool)}"), snapshot);
    }

    /// <summary>As many workers as cores, but never more than the memory headroom holds at the declared memory per item.</summary>
    public static WorkerPlan MemoryAware(ResourceSnapshot snapshot, WorkloadTraits workload)
    {
        var cores = snapshot.EffectiveCores;
        var headroom = snapshot.MemoryHeadroomBytes(HighWater);
        if (workload.MemoryPerItemBytes <= 0)
            return WithBudget(new WorkerPlan(cores, "memory-aware", $"memory-aware: no memory estimate, {snapshot.DescribeCores()}"), snapshot);
        var fit = headroom / workload.MemoryPerItemBytes;
        var pool = (int)Math.Clamp(fit, 1, cores);
        var reason = $"memory-aware: {ResourceSnapshot.Mb(headroom)} headroom below {ResourceSnapshot.Percent(HighWater)} of {snapshot.MemoryUse.Source} memory " +
                     $"fits {fit} x {ResourceSnapshot.Mb(workload.MemoryPerItemBytes)} per item, {cores} effective cores = {pool}";
        return WithBudget(new WorkerPlan(pool, "memory-aware", reason), snapshot);
    }

    private static WorkerPlan WithBudget(WorkerPlan plan, ResourceSnapshot snapshot) =>
        plan with { MemoryBudgetPerWorkerBytes = snapshot.MemoryHeadroomBytes(HighWater) / Math.Max(1, plan.PoolSize) };
}
