using ActorCluster.Protocol;

namespace ActorCluster.Bench;

/// <summary>
/// One job on the cluster: the coordinator's own duration (start to end, from <see cref="JobStatus.DurationMs"/>)
/// and the wall time from just before submit until the client saw <c>Completed</c>.
/// </summary>
public sealed record ClusterRun(JobStatus Status, double WallSeconds, Digest? Digest)
{
    public double CoordinatorSeconds => Status.DurationMs / 1000.0;
}
