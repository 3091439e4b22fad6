using System.Diagnostics;
using Akka.Actor;
using ActorCluster.Abstractions;
using ActorCluster.Core.Agents;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Node.Agents;

/// <summary>
/// Runs batches on its own thread (a pinned dispatcher) and tells the node agent how each went. It is
/// usually given one batch at a time; batches measured to take well under a millisecond come in small
/// groups of one job, so one wake-up of this thread is shared by several of them.
/// Per-item records are capped (RecordBlock.MaxRecordBytes) and compressed here.
/// A workload's exception is sent back as the batch's error, never rethrown: a poison item must not restart
/// the worker or take the node down, and it fails only its own batch, not the rest of its group.
/// </summary>
public sealed class BatchWorker : ReceiveActor
{
    /// <param name="lane">Which of the node's workers this is (its row in a job's task stream); a retired worker's lane is reused.</param>
    public BatchWorker(int lane)
    {
        Receive<RunBatches>(run =>
        {
            var results = new BatchResult[run.Batches.Count];
            for (var i = 0; i < results.Length; i++)
                results[i] = Run(run.Job, run.Batches[i], run.Cancellation) with { Worker = lane };
            Sender.Tell(new BatchesRan(run.JobId, results));
        });
    }

    private static BatchResult Run(IWorkloadJob job, BatchToRun batch, CancellationToken cancellation)
    {
        var startedAtMicros = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
        var clock = Stopwatch.StartNew();
        try
        {
            cancellation.ThrowIfCancellationRequested();
            var output = job.Execute(batch.Range, cancellation);
            byte[]? records = null;
            if (output.Records is { } list)
            {
                // One record per item or none: a workload that miscounts fails its batch here, not in results.jsonl.
                if (list.Count != batch.Range.Count)
                    throw new InvalidOperationException($"the workload returned {list.Count} records for the {batch.Range.Count} items {batch.Range}");
                records = RecordBlock.Encode(list); // compressed here, on the worker's thread, not the agent's
            }
            return new BatchResult(batch.BatchId, batch.Range, (long)clock.Elapsed.TotalMicroseconds, output.Partial, null, false, records,
                StartedAtMicros: startedAtMicros);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return new BatchResult(batch.BatchId, batch.Range, (long)clock.Elapsed.TotalMicroseconds, null, null, true);
        }
        catch (Exception e)
        {
            var message = $"{e.GetType().Name}: {e.Message}".ReplaceLineEndings(" ");
            return new BatchResult(batch.BatchId, batch.Range, (long)clock.Elapsed.TotalMicroseconds, null, message, false);
        }
    }
}
