using ActorCluster.Core.Jobs;

namespace ActorCluster.Protocol;

// The client-facing protocol: what `actorcluster submit` and `jobs` send to a node's job gateway.

/// <summary>Submit a job; answered with <see cref="JobAccepted"/> or <see cref="JobRejected"/>.</summary>
public sealed record SubmitJob(string Workload, IReadOnlyList<string> Args) : IActorClusterMessage;

/// <summary>The gateway names a submitted job and asks its (sharded) coordinator to start it; the coordinator checks it and answers.</summary>
public sealed record StartJob(string JobId, string Workload, IReadOnlyList<string> Args) : IJobMessage;

public sealed record JobAccepted(string JobId, long ItemsTotal) : IActorClusterMessage;

public sealed record JobRejected(string Reason) : IActorClusterMessage;

public sealed record GetJobStatus(string JobId) : IJobMessage;

public sealed record CancelJob(string JobId) : IJobMessage;

public sealed record JobNotFound(string JobId) : IActorClusterMessage;

/// <summary>
/// Everything a client shows about a job; <see cref="ResultJson"/> is set once the job has ended, and
/// <see cref="Args"/> are the workload arguments it was submitted with (report.json's <c>args</c>).
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
    IReadOnlyList<string> Args) : IActorClusterMessage;

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
