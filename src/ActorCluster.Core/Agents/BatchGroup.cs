namespace ActorCluster.Core.Agents;

/// <summary>What one idle worker is given at once: one batch, or a few short ones, all of one job, run in order.</summary>
public readonly record struct BatchGroup<TJob>(JobAccount<TJob> Job, List<BatchToRun> Batches) where TJob : class;
