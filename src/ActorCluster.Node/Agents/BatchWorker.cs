using System.Diagnostics;
using Akka.Actor;
using ActorCluster.Abstractions;

namespace ActorCluster.Node.Agents;

/// <summary>
/// Runs batches on its own thread (a pinned dispatcher) and reports back to the node agent. It is
/// usually given one batch at a time; batches measured to take well under a millisecond come in small
/// groups of one job, so one wake-up of this thread is shared by several of them.
/// A workload's exception is reported, never rethrown: a poison item must not restart the worker or
/// take the node down, and it fails only its own batch, not the rest of its group.
/// </summary>
public sealed class BatchWorker : ReceiveActor
{
    public BatchWorker()
    {
        Receive<RunBatches>(run =>
        {
            var results = new BatchResult[run.Batches.Count];
            for (var i = 0; i < results.Length; i++)
                results[i] = Run(run.Job, run.Batches[i], run.Cancellation);
            Sender.Tell(new BatchesRan(run.JobId, results));
        });
    }

    private static BatchResult Run(IWorkloadJob job, BatchToRun batch, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            cancellation.ThrowIfCancellationRequested();
            var partial = job.Execute(batch.Range, cancellation);
            return new BatchResult(batch.BatchId, batch.Range, (long)clock.Elapsed.TotalMicroseconds, partial, null, false);
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

    public readonly record struct BatchToRun(long BatchId, ItemRange Range);

    /// <summary>Agent to worker (local only: carries the prepared job object). The batches run in order.</summary>
    public sealed record RunBatches(string JobId, IReadOnlyList<BatchToRun> Batches, IWorkloadJob Job, CancellationToken Cancellation) : INoSerializationVerificationNeeded;

    /// <summary>One batch that finished, failed (<see cref="Error"/>) or was cancelled.</summary>
    public sealed record BatchResult(long BatchId, ItemRange Range, long BusyMicros, byte[]? Partial, string? Error, bool Cancelled);

    /// <summary>Worker to agent: every batch of a <see cref="RunBatches"/>; the worker is idle again.</summary>
    public sealed record BatchesRan(string JobId, IReadOnlyList<BatchResult> Results) : INoSerializationVerificationNeeded;
}
