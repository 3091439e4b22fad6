using Akka.Actor;
using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;
using ActorCluster.Node.Protocol;

namespace ActorCluster.Node.Jobs;

/// <summary>
/// The entry point clients reach (through the cluster client receptionist): validates a submission
/// before any state is created, names the job, and routes everything about a job to its sharded coordinator.
/// </summary>
public sealed class JobGateway : ReceiveActor
{
    public const string Name = "jobs";

    public JobGateway(WorkloadRegistry registry, IActorRef jobRegion)
    {
        Receive<SubmitJob>(submit =>
        {
            try
            {
                registry.Prepare(submit.Workload, submit.Args);
            }
            catch (WorkloadArgumentException e)
            {
                Sender.Tell(new JobRejected(e.Message));
                return;
            }
            catch (Exception e)
            {
                // A buggy workload plugin must not crash the gateway; the user gets a reason.
                Sender.Tell(new JobRejected($"{submit.Workload}: cannot prepare job: {e.Message}"));
                return;
            }
            jobRegion.Forward(new StartJob(NewJobId(), submit.Workload, submit.Args));
        });
        Receive<GetJobStatus>(m => jobRegion.Forward(m));
        Receive<CancelJob>(m => jobRegion.Forward(m));
    }

    public static Props Props(WorkloadRegistry registry, IActorRef jobRegion) =>
        Akka.Actor.Props.Create(() => new JobGateway(registry, jobRegion));

    /// <summary>Short, sortable by time, unique enough across nodes: <c>j-20261123-151822-3fa9c1</c>.</summary>
    public static string NewJobId() => $"j-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Random.Shared.Next(0, 1 << 24):x6}";
}
