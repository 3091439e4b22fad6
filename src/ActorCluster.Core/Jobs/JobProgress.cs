namespace ActorCluster.Core.Jobs;

/// <summary>What someone following a job sees change; a status with the same progress is not worth sending again.</summary>
public readonly record struct JobProgress(JobPhase Phase, long ItemsCompleted, long Batches, int ActiveNodes);
