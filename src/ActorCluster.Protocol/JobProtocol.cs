using ActorCluster.Core.Jobs;

namespace ActorCluster.Protocol;

// The client-facing protocol: what `actorcluster submit` and `jobs` send to a node's job gateway.

/// <summary>
/// Submit a job; answered with <see cref="JobAccepted"/> or <see cref="JobRejected"/>. <see cref="NoCache"/>: run every
/// item, use no cached record. <see cref="Acknowledge"/>: answer with <see cref="JobPreparing"/> first, so a client can
/// tell a cluster that is slow to list a large input from one that is not there (an Ask takes only the first reply, so
/// callers that ask leave it off).
/// </summary>
public sealed record SubmitJob(string Workload, IReadOnlyList<string> Args, bool NoCache = false, bool Acknowledge = false) : IActorClusterMessage;

/// <summary>
/// The gateway has named the job and handed it to its coordinator, which is preparing it (a workload with a manifest
/// lists its inputs then); <see cref="JobAccepted"/> or <see cref="JobRejected"/> follows within <see cref="MaxWait"/>.
/// </summary>
public sealed record JobPreparing(string JobId) : IActorClusterMessage
{
    /// <summary>How long the gateway waits for the coordinator's answer, and so a client for the answer after this one.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);
}

/// <summary>The gateway names a submitted job and asks its (sharded) coordinator to start it; the coordinator checks it and answers.</summary>
public sealed record StartJob(string JobId, string Workload, IReadOnlyList<string> Args, bool NoCache = false) : IJobMessage;

public sealed record JobAccepted(string JobId, long ItemsTotal) : IActorClusterMessage;

public sealed record JobRejected(string Reason) : IActorClusterMessage;

public sealed record GetJobStatus(string JobId) : IJobMessage;

public sealed record CancelJob(string JobId) : IJobMessage;

public sealed record JobNotFound(string JobId) : IActorClusterMessage;

/// <summary>
/// Everything a client shows about a job; <see cref="ResultJson"/> is set once the job has ended, and
/// <see cref="Args"/> are the workload arguments it was submitted with (report.json's <c>args</c>),
/// <see cref="ItemsFromCache"/> how many items took their records from the result cache instead of running, and
/// <see cref="ItemsFailed"/> how many counted items ran but failed (the workload's own count, IResultAggregator.FailedItems):
/// a job with failed items still completes, so a client tells them apart by this number, not by the state.
/// </summary>
public sealed record JobStatus(
    string JobId,
    string Workload,
    JobPhase State,
    long ItemsTotal,
    long ItemsCompleted,
    long Batches,
    long DurationMs,
    int ActiveNodes,
    long ItemsExecutedMoreThanOnce,
    IReadOnlyList<NodeTally> Nodes,
    string? ResultJson,
    string? Error,
    IReadOnlyList<string> Args,
    long ItemsFromCache = 0,
    long ItemsFailed = 0) : IActorClusterMessage;

/// <summary>
/// Follow a job: the sender hears the job's <see cref="JobStatus"/> at once, again while the job makes
/// progress, and the final one as soon as the job ends. A watch lapses unless it is sent again within
/// the coordinator's lease, so a client renews it, which also finds the job's coordinator after it moved.
/// </summary>
public sealed record WatchJob(string JobId) : IJobMessage;

/// <summary>Wakes a job's coordinator (after a whole-cluster restart): if it was running, it resumes.</summary>
public sealed record ResumeJob(string JobId) : IJobMessage;

/// <summary>List every job the cluster knows; answered with <see cref="JobList"/>.</summary>
public sealed record ListJobs : IActorClusterMessage;

public sealed record JobSummary(string JobId, string Workload, JobPhase State, long ItemsTotal, long ItemsCompleted, long DurationMs);

public sealed record JobList(IReadOnlyList<JobSummary> Jobs) : IActorClusterMessage;

/// <summary>
/// Ask a job for its per-item records from <see cref="FromItem"/> on; answered with <see cref="JobResults"/>, a few MB
/// at most, so a client reads a job's results.jsonl in bounded pieces.
/// </summary>
public sealed record GetJobResults(string JobId, long FromItem) : IJobMessage;

/// <summary>
/// Lines of results.jsonl (one JSON object per item, in item order, each with its <c>item</c> index) from
/// <see cref="FromItem"/>; ask again from <see cref="NextItem"/> until <see cref="Done"/>.
/// </summary>
public sealed record JobResults(string JobId, long FromItem, long NextItem, bool Done, IReadOnlyList<string> Lines) : IActorClusterMessage;

/// <summary>
/// Empty the result cache (`actorcluster jobs cache clear`); answered with <see cref="ResultCacheCleared"/>. The gateway a
/// client reaches asks every member's gateway to clear its node's job store (<see cref="ThisNodeOnly"/>), so nodes with
/// stores of their own are all cleared.
/// </summary>
public sealed record ClearResultCache(bool ThisNodeOnly = false) : IActorClusterMessage;

public sealed record ResultCacheCleared(long Entries, long Bytes) : IActorClusterMessage;

/// <summary>
/// Ask a job for its task stream and the data of its plots; answered with <see cref="JobTimelineReply"/> (or
/// <see cref="JobNotFound"/>). It covers the time since the job's current coordinator started it or took it over.
/// </summary>
public sealed record GetJobTimeline(string JobId) : IJobMessage;

/// <summary>A job's bounded timeline (JobTimeline's limits hold it to a few hundred kB).</summary>
public sealed record JobTimelineReply(string JobId, JobTimelineView Timeline) : IActorClusterMessage;
