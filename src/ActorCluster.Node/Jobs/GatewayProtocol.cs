using Akka.Actor;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Jobs;

// Local protocol of the job gateway with itself (never crosses the wire).

/// <summary>
/// A listing's answers, back on the gateway's thread: every job id it found, the statuses of the jobs it asked (those not
/// in <see cref="Ended"/>, the ended jobs known when it started) and the journal's job ids if it read them.
/// </summary>
public sealed record JobsListed(IActorRef ReplyTo, IReadOnlySet<string> Ids, IReadOnlyList<JobStatus> Statuses, EndedJobs<JobSummary> Ended,
    IReadOnlySet<string>? JournalIds) : INoSerializationVerificationNeeded;
