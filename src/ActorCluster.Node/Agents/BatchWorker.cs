using System.Diagnostics;
using Akka.Actor;
using ActorCluster.Abstractions;

namespace ActorCluster.Node.Agents;

/// <summary>
/// Runs one batch at a time on its own thread (a pinned dispatcher) and reports back to the node agent.
/// A workload's exception is reported, never rethrown: a poison item must not restart the worker or
/// take the node down.
/// </summary>
public sealed class BatchWorker : ReceiveActor
{
    public BatchWorker()
    {
        Receive<RunBatch>(run =>
        {
            var clock = Stopwatch.StartNew();
            try
            {
                var partial = run.Job.Execute(run.Range, run.Cancellation);
                Sender.Tell(new BatchRan(run.JobId, run.BatchId, run.Range, (long)clock.Elapsed.TotalMicroseconds, partial, null, false));
            }
            catch (OperationCanceledException) when (run.Cancellation.IsCancellationRequested)
            {
                Sender.Tell(new BatchRan(run.JobId, run.BatchId, run.Range, (long)clock.Elapsed.TotalMicroseconds, null, null, true));
            }
            catch (Exception e)
            {
                var message = $"{e.GetType().Name}: {e.Message}".ReplaceLineEndings(" ");
                Sender.Tell(new BatchRan(run.JobId, run.BatchId, run.Range, (long)clock.Elapsed.TotalMicroseconds, null, message, false));
            }
        });
    }

    /// <summary>Agent to worker (local only: carries the prepared job object).</summary>
    public sealed record RunBatch(string JobId, long BatchId, ItemRange Range, IWorkloadJob Job, CancellationToken Cancellation) : INoSerializationVerificationNeeded;

    /// <summary>Worker to agent: the batch finished, failed (<see cref="Error"/>) or was cancelled.</summary>
    public sealed record BatchRan(string JobId, long BatchId, ItemRange Range, long BusyMicros, byte[]? Partial, string? Error, bool Cancelled) : INoSerializationVerificationNeeded;
}
