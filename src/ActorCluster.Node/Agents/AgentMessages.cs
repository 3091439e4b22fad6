using ActorCluster.Core.Jobs;
using ActorCluster.Core.Agents;
using ActorCluster.Core.Profiling;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Agents;

/// <summary>The node agent's pure state as its messages carry it: to a job's coordinator, and to whoever asks for its state.</summary>
internal static class AgentMessages
{
    public static CompletedBatch[] Completed(IReadOnlyList<BatchResult> finished)
    {
        var completed = new CompletedBatch[finished.Count];
        for (var i = 0; i < completed.Length; i++)
        {
            var r = finished[i];
            completed[i] = new CompletedBatch(r.BatchId, r.Range.Start, r.Range.Count, r.BusyMicros, r.Partial ?? []);
        }
        return completed;
    }

    /// <param name="workers">The most workers the job may use here now.</param>
    public static NodeJobUsage Usage(WorkerPlan plan, int workers, JobUsageTracker usage) =>
        new(plan.Policy, workers, plan.Reason, usage.PeakRssBytes, usage.CpuPercent,
            usage.Resizes.Select(r => new PoolResize(r.At.ToUnixTimeMilliseconds(), ActionName(r.Event), r.Event.FromWorkers, r.Event.ToWorkers, r.Event.MemoryFraction, r.Event.Reason)).ToList());

    /// <summary>The governor's action as logs and report.json spell it.</summary>
    public static string ActionName(PressureEvent e) => e.Action.ToString().ToLowerInvariant();

    /// <param name="workers">The workers that exist now, retiring ones included.</param>
    public static AgentState State(AgentLedger<PreparedJob> ledger, int workers, bool paused) =>
        new(ledger.Workers, workers, ledger.RunningGroups, ledger.Queued, ledger.Outstanding,
            ledger.Jobs.Select(j => new AgentJobState(j.JobId, j.Outstanding, j.Drained, j.BatchesRun, j.Plan.Policy, ledger.Limit(j), j.Plan.Reason)).ToList(),
            paused);
}
