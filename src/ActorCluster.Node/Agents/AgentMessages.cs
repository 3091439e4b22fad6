using ActorCluster.Core.Jobs;
using ActorCluster.Core.Agents;
using ActorCluster.Core.Profiling;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Agents;

/// <summary>The node agent's pure state as its messages carry it: to a job's coordinator, and to whoever asks for its state.</summary>
internal static class AgentMessages
{
    /// <summary>A completion message's payload is kept under this (partials and records), half the 16 MB frame.</summary>
    public const int MaxCompletionBytes = 8 * 1024 * 1024;

    public static CompletedBatch[] Completed(IReadOnlyList<BatchResult> finished)
    {
        var completed = new CompletedBatch[finished.Count];
        for (var i = 0; i < completed.Length; i++)
        {
            var r = finished[i];
            completed[i] = new CompletedBatch(r.BatchId, r.Range.Start, r.Range.Count, r.BusyMicros, r.Partial ?? [], r.Records,
                Worker: r.Worker, StartedAtMicros: r.StartedAtMicros);
        }
        return completed;
    }

    /// <summary>
    /// What finished, cut into completion messages of at most about <paramref name="maxBytes"/> of partials and records
    /// each, in order; a batch whose records alone are larger sends them ahead in parts of that size. Usually one
    /// message with no parts.
    /// </summary>
    public static List<(List<BatchRecordsPart> PartsFirst, List<CompletedBatch> Batches)> Split(string jobId, IReadOnlyList<BatchResult> finished,
        int maxBytes = MaxCompletionBytes)
    {
        var messages = new List<(List<BatchRecordsPart>, List<CompletedBatch>)>();
        var parts = new List<BatchRecordsPart>();
        var batches = new List<CompletedBatch>();
        long bytes = 0;
        foreach (var batch in Completed(finished))
        {
            var size = batch.Partial.Length + (batch.Records?.Length ?? 0) + 64;
            if (batches.Count > 0 && bytes + size > maxBytes)
            {
                messages.Add((parts, batches));
                (parts, batches, bytes) = ([], [], 0);
            }
            if (batch.Records is { } records && records.Length > maxBytes)
            {
                var ahead = records.Chunk(maxBytes).Select(chunk => new BatchRecordsPart(jobId, batch.BatchId, chunk)).ToList();
                parts.AddRange(ahead);
                batches.Add(batch with { Records = [], RecordParts = ahead.Count });
                bytes += batch.Partial.Length + 64;
                continue;
            }
            batches.Add(batch);
            bytes += size;
        }
        if (batches.Count > 0) messages.Add((parts, batches));
        return messages;
    }

    /// <param name="workers">The most workers the job may use here now.</param>
    public static NodeJobUsage Usage(WorkerPlan plan, int workers, JobUsageTracker usage) =>
        new(plan.Policy, workers, plan.Reason, usage.PeakRssBytes, usage.CpuPercent,
            usage.Resizes.Select(r => new PoolResize(r.At.ToUnixTimeMilliseconds(), ActionName(r.Event), r.Event.FromWorkers, r.Event.ToWorkers, r.Event.MemoryFraction, r.Event.Reason)).ToList());

    /// <summary>The governor's action as logs and report.json spell it.</summary>
    public static string ActionName(PressureEvent e) => e.Action.ToString().ToLowerInvariant();

    /// <param name="workers">The workers that exist now, retiring ones included.</param>
    /// <param name="batchesRun">Batches run since the node started.</param>
    /// <param name="planReason">Why the pool has its size: the running jobs' plan, else the node's start-up plan.</param>
    public static AgentState State(AgentLedger<PreparedJob> ledger, int workers, bool paused, bool capped = false, long batchesRun = 0, string planReason = "") =>
        new(ledger.Workers, workers, ledger.RunningGroups, ledger.Queued, ledger.Outstanding,
            ledger.Jobs.Select(j => new AgentJobState(j.JobId, j.Outstanding, j.Drained, j.BatchesRun, j.Plan.Policy, ledger.Limit(j), j.Plan.Reason)).ToList(),
            paused, capped, batchesRun, ledger.Jobs.Select(j => j.Plan.Reason).FirstOrDefault(r => r.Length > 0) ?? planReason);
}
