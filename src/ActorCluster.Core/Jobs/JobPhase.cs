namespace ActorCluster.Core.Jobs;

public enum JobPhase
{
    Running,
    Completed,
    Failed,
    Cancelled,
}
