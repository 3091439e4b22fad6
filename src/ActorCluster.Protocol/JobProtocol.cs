namespace ActorCluster.Protocol;

// The client-facing protocol: what `actorcluster submit` and `jobs` send to a node's job gateway.

public enum JobPhase
{
    Running,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>Submit a job; answered with <see cref="JobAccepted"/> or <see cref="JobRejected"/>.</summary>
public sealed record SubmitJob(string Workload, IReadOnlyList<string> Args) : IActorClusterMessage;

/// <summary>The gateway asks the job's (sharded) coordinator to start; the coordinator answers the submitter.</summary>
public sealed record StartJob(string JobId, string Workload, IReadOnlyList<string> Args) : IJobMessage;

public sealed record JobAccepted(string JobId, long ItemsTotal) : IActorClusterMessage;

public sealed record JobRejected(string Reason) : IActorClusterMessage;

public sealed record GetJobStatus(string JobId) : IJobMessage;

public sealed record CancelJob(string JobId) : IJobMessage;

public sealed record JobNotFound(string JobId) : IActorClusterMessage;

/// <summary>Per-node accounting of a job, as it appears under <c>nodes</c> in report.json; <see cref="Profile"/> is the node's last <see cref="NodeJobUsage"/>.</summary>
public sealed record NodeTally(string Address, int Workers, long Batches, long Items, long BusyMs, NodeJobUsage? Profile = null);

/// <summary>Everything a client shows about a job; <see cref="ResultJson"/> is set once the job has ended.</summary>
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
    string? Error) : IActorClusterMessage;

/// <summary>List every job the cluster knows; answered with <see cref="JobList"/>.</summary>
public sealed record ListJobs : IActorClusterMessage;

public sealed record JobSummary(string JobId, string Workload, JobPhase State, long ItemsTotal, long ItemsCompleted, long DurationMs);

public sealed record JobList(IReadOnlyList<JobSummary> Jobs) : IActorClusterMessage;
