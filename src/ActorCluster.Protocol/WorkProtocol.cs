using ActorCluster.Core.Jobs;

namespace ActorCluster.Protocol;

// The work-pulling protocol between a job's coordinator and the node agents.
// Agents ask (credits), coordinators answer with batches; nothing is ever pushed unasked.
// Both directions carry several batches per message when there are several to carry: a coordinator
// answers one agent's credits with one message, and an agent sends every batch that finished while it
// was busy in one message, with the credits those batches freed. A batch stays the unit of work,
// accounting and retry; only the envelope is shared (an Akka remote message costs tens of microseconds).

/// <summary>
/// Coordinator to agents: this job has work; ask me for it. Repeated while work is left, so late joiners find it.
/// A job with a <see cref="Manifest"/> is rebuilt from it: the agent fetches its chunks once (<see cref="GetManifestChunk"/>)
/// before it asks for work.
/// </summary>
public sealed record JobAvailable(string JobId, string Workload, IReadOnlyList<string> Args, Akka.Actor.IActorRef Coordinator,
    ManifestInfo? Manifest = null) : IActorClusterMessage;

/// <summary>Agent to coordinator: send me chunk <see cref="Chunk"/> of the job's manifest. One at a time, once per job and node.</summary>
public sealed record GetManifestChunk(string JobId, int Chunk) : IJobMessage;

/// <summary>Coordinator to agent: one chunk of the job's manifest (at most ManifestCodec.ChunkBytes); empty when the store has none.</summary>
public sealed record ManifestChunk(string JobId, int Chunk, byte[] Data) : IActorClusterMessage;

/// <summary>
/// Agent to coordinator: I can take <see cref="Credits"/> more batches; I run <see cref="Workers"/> workers.
/// With <see cref="Resync"/> the credits replace whatever the coordinator thought the agent had asked for.
/// <see cref="MaxBatchItems"/> is the most items this node takes in one batch (its chunk size; 0 = no bound).
/// </summary>
public sealed record RequestWork(string JobId, int Credits, int Workers, bool Resync, long MaxBatchItems = 0) : IJobMessage;

/// <summary>One batch handed to an agent: run the items of [Start, Start + Count). One credit used.</summary>
public readonly record struct BatchAssignment(long BatchId, long Start, long Count);

/// <summary>Coordinator to agent: the batches this agent's credits bought now (one or more, one credit each).</summary>
public sealed record WorkBatches(string JobId, IReadOnlyList<BatchAssignment> Batches) : IActorClusterMessage;

/// <summary>Coordinator to agent: nothing to hand out now; these credits are returned. Wait for the next <see cref="JobAvailable"/>.</summary>
public sealed record NoWorkNow(string JobId, int ReturnedCredits) : IActorClusterMessage;

/// <summary>
/// A batch that ran: <see cref="Partial"/> is the workload's encoded partial result of its items, <see cref="Records"/>
/// its items' records as a RecordBlock (null when the workload gives none). Records too large for one message came
/// ahead in <see cref="RecordParts"/> <see cref="BatchRecordsPart"/> messages, and <see cref="Records"/> is empty.
/// </summary>
/// <remarks>
/// For the job's task stream: <see cref="Worker"/> is the lane (0 to the pool's size) of the worker that ran it (-1: not
/// said) and <see cref="StartedAtMicros"/> when it started, in Unix microseconds on the node's clock (0: not said).
/// </remarks>
public sealed record CompletedBatch(long BatchId, long Start, long Count, long BusyMicros, byte[] Partial, byte[]? Records = null, int RecordParts = 0,
    int Worker = -1, long StartedAtMicros = 0);

/// <summary>
/// Agent to coordinator, just before the completion that names the batch: one part of a batch's record block that
/// does not fit in a completion (Akka keeps the order of messages between two actors).
/// </summary>
public sealed record BatchRecordsPart(string JobId, long BatchId, byte[] Data) : IJobMessage;

/// <summary>
/// Agent to coordinator: these batches ran, and the agent can take <see cref="Credits"/> more batches
/// (0 when it wants nothing more now). <see cref="Profile"/> is set when the node's plan or measurements
/// for this job changed since it last sent one. <see cref="MaxBatchItems"/> is as in <see cref="RequestWork"/>:
/// a coordinator that moved may hear from an agent first through a completion.
/// </summary>
public sealed record BatchesCompleted(string JobId, IReadOnlyList<CompletedBatch> Batches, int Credits, int Workers, NodeJobUsage? Profile = null,
    long MaxBatchItems = 0) : IJobMessage;

/// <summary>Agent to coordinator: running a batch threw.</summary>
public sealed record BatchFailed(string JobId, long BatchId, long Start, long Count, string Error) : IJobMessage;

/// <summary>Coordinator to agents: the job ended (completed, failed or cancelled); drop its batches.</summary>
public sealed record JobEnded(string JobId, JobPhase State) : IActorClusterMessage;

/// <summary>Agent to coordinator: batches this node received but will not run (it is leaving); hand them out again.</summary>
public sealed record ReturnBatches(string JobId, IReadOnlyList<long> BatchIds) : IJobMessage;
