using Akka.Actor;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Node.Jobs;

// Local protocol between job coordinators and the node's worker directory (never crosses the wire).

/// <summary>Coordinator to directory: tell me when worker nodes join or are lost.</summary>
public sealed record WatchWorkerNodes(IActorRef Subscriber) : INoSerializationVerificationNeeded;

/// <summary>
/// Coordinator to directory: deliver this message to the node agent of every worker node that is up and
/// reachable, or only of <see cref="OnlyTo"/>, and never of the nodes in <see cref="Except"/>. With
/// <see cref="Requires"/>, only nodes that run that workload in that version hear it: the others never pull the job's batches.
/// </summary>
public sealed record AnnounceToAgents(object Message, Address? OnlyTo = null, IReadOnlySet<Address>? Except = null, WorkloadId? Requires = null)
    : INoSerializationVerificationNeeded;

/// <summary>Directory to coordinators: a worker node is up (joined or reachable again): announce running jobs to it.</summary>
public sealed record WorkerNodeUp(Address Node) : INoSerializationVerificationNeeded;

/// <summary>Directory to coordinators: a worker node is unreachable or removed: its batches must go back.</summary>
public sealed record WorkerNodeLost(Address Node, string Why) : INoSerializationVerificationNeeded;

/// <summary>
/// Coordinator to directory: the memory limits of the worker nodes that are up and reachable and run <see cref="Requires"/>
/// (every worker node without it). Answered with <see cref="WorkerMemoryLimits"/>.
/// </summary>
public sealed record GetWorkerMemoryLimits(WorkloadId? Requires) : INoSerializationVerificationNeeded;

/// <summary>Directory to coordinator: one limit per such node, as its roles advertise it (null: the node knows none).</summary>
public sealed record WorkerMemoryLimits(IReadOnlyList<long?> Limits) : INoSerializationVerificationNeeded;
