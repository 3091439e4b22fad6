using Akka.Actor;
using ActorCluster.Abstractions;
using ActorCluster.Core.Agents;

namespace ActorCluster.Node.Agents;

/// <summary>
/// What the node agent holds of a job besides its credits (those are in its <see cref="JobAccount{TJob}"/>):
/// the workload prepared on this node, the coordinator to answer, the token that stops its batches, and what it used.
/// </summary>
internal sealed class PreparedJob(IActorRef coordinator, IWorkloadJob work)
{
    /// <summary>Changes when the coordinator is restarted on another node.</summary>
    public IActorRef Coordinator { get; set; } = coordinator;

    public IWorkloadJob Work { get; } = work;

    public CancellationTokenSource Cancellation { get; } = new();

    public JobUsageTracker Usage { get; } = new();
}
