using Akka.Actor;
using ActorCluster.Abstractions;
using ActorCluster.Core.Agents;
using ActorCluster.Core.Profiling;

namespace ActorCluster.Node.Agents;

// The node agent's local protocol: the admin commands and coordinated shutdown talk to it, and it talks to its
// workers and its resource sampler. None of it crosses the wire (it carries prepared jobs and the agent's own
// state); what the agent says to job coordinators is the work-pulling protocol in ActorCluster.Protocol.

/// <summary>Pins or changes the pool size at run time; credits follow at once. Answered with <see cref="AgentState"/>.</summary>
public sealed record SetWorkerCount(int Workers) : INoSerializationVerificationNeeded;

/// <summary>Undoes <see cref="SetWorkerCount"/>: the pool returns to its planned size. Answered with <see cref="AgentState"/>.</summary>
public sealed record ReleaseWorkerPin : INoSerializationVerificationNeeded;

public sealed record GetAgentState : INoSerializationVerificationNeeded;

/// <param name="Paused">True while memory pressure keeps the agent from asking for work.</param>
/// <param name="Capped">True while memory pressure holds the pool below its plan.</param>
/// <param name="BatchesRun">Batches this node ran since it started, every job together.</param>
public sealed record AgentState(int TargetWorkers, int Workers, int Running, int Queued, int Outstanding, IReadOnlyList<AgentJobState> Jobs, bool Paused = false,
    bool Capped = false, long BatchesRun = 0, string PlanReason = "") : INoSerializationVerificationNeeded;

/// <param name="Policy">The profiler policy that planned this job, <c>fixed</c> without a profiler.</param>
/// <param name="Limit">Most batches of this job running at once now.</param>
public sealed record AgentJobState(string JobId, int Outstanding, bool Drained, long BatchesRun, string Policy = "", int Limit = 0, string Reason = "");

/// <summary>Sent by coordinated shutdown before the node leaves the cluster; answered with <see cref="Left"/>.</summary>
public sealed class Leave : INoSerializationVerificationNeeded
{
    public static readonly Leave Instance = new();
}

/// <summary>The agent handed back its unstarted batches and sent the completions of the running ones.</summary>
public sealed class Left : INoSerializationVerificationNeeded
{
    public static readonly Left Instance = new();
}

/// <summary>Agent to worker (carries the prepared job object). The batches run in order.</summary>
public sealed record RunBatches(string JobId, IReadOnlyList<BatchToRun> Batches, IWorkloadJob Job, CancellationToken Cancellation) : INoSerializationVerificationNeeded;

/// <summary>Worker to agent: a result for every batch of a <see cref="RunBatches"/>; the worker is idle again.</summary>
public sealed record BatchesRan(string JobId, IReadOnlyList<BatchResult> Results) : INoSerializationVerificationNeeded;

/// <summary>Resource sampler to agent: a fresh snapshot to replan and resize from.</summary>
public sealed record ResourceSampled(ResourceSnapshot Snapshot) : INoSerializationVerificationNeeded;

/// <summary>
/// The agent to itself, after the messages already in its mailbox: every completion and freed credit that
/// arrived meanwhile rides along in the same message to each coordinator.
/// </summary>
internal sealed class SendCompletions : INoSerializationVerificationNeeded
{
    public static readonly SendCompletions Instance = new();
}

/// <summary>The agent's timer: time to re-state credits no coordinator answered.</summary>
internal sealed class ResyncTick : INoSerializationVerificationNeeded
{
    public static readonly ResyncTick Instance = new();
}
