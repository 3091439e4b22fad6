namespace ActorCluster.Core.Jobs;

/// <summary>From <see cref="AtUnixMs"/> on, node <see cref="Node"/> (an index into <see cref="JobTimelineView.Nodes"/>) ran <see cref="Workers"/> workers for the job.</summary>
public readonly record struct TimelineWorkers(long AtUnixMs, int Node, int Workers);
