using ActorCluster.Core.Profiling;

namespace ActorCluster.Core.Agents;

/// <summary>
/// One job as the node's <see cref="AgentLedger{TJob}"/> keeps it: the credits asked of its coordinator,
/// its batches waiting here, what ran and is not yet sent back, and how long its batches take on this node.
/// Only the ledger changes it.
/// </summary>
public sealed class JobAccount<TJob> where TJob : class
{
    private readonly List<BatchResult> _finished = [];

    internal JobAccount(string jobId, TJob job, WorkerPlan plan, DateTime now)
    {
        JobId = jobId;
        Job = job;
        Plan = plan;
        LastHeard = now;
    }

    public string JobId { get; }

    /// <summary>What the agent keeps of the job beyond its credits (its coordinator, the prepared workload).</summary>
    public TJob Job { get; }

    public WorkerPlan Plan { get; }

    /// <summary>Credits asked for and not yet answered with batches or handed back.</summary>
    public int Outstanding { get; internal set; }

    /// <summary>The coordinator had no work: ask it again only when it announces the job again.</summary>
    public bool Drained { get; internal set; }

    /// <summary>When the coordinator last answered, or credits were first asked of it after a quiet spell.</summary>
    public DateTime LastHeard { get; internal set; }

    public long BatchesRun { get; internal set; }

    /// <summary>Credits the last <see cref="AgentLedger{TJob}.GrantCredits"/> asked for this job.</summary>
    public int NewCredits { get; internal set; }

    /// <summary>Batches that ran and are not yet sent to the coordinator (failed ones go out at once, not here).</summary>
    public IReadOnlyList<BatchResult> Finished => _finished;

    /// <summary>Smoothed time one batch of this job takes here; null before the first one ran.</summary>
    public double? MeanBatchMicros { get; private set; }

    /// <summary>This job's batches waiting in the agent.</summary>
    internal int Queued { get; set; }

    internal void Ran(BatchResult result)
    {
        BatchesRun++;
        MeanBatchMicros = MeanBatchMicros is { } mean ? mean + 0.3 * (result.BusyMicros - mean) : result.BusyMicros;
        if (result.Error is null) _finished.Add(result);
    }

    internal void ClearFinished() => _finished.Clear();
}
