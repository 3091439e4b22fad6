namespace ActorCluster.Core.Jobs;

/// <summary>
/// One bar of a job's task stream: the batch of <see cref="Items"/> items from <see cref="FirstItem"/> that worker lane
/// <see cref="Worker"/> of node <see cref="Node"/> (an index into <see cref="JobTimelineView.Nodes"/>) ran from
/// <see cref="StartMicros"/> to <see cref="EndMicros"/> (Unix time in microseconds, the node's clock). Lane -1: the
/// agent did not say which worker ran it.
/// </summary>
public readonly record struct TimelineBatch(int Node, int Worker, long StartMicros, long EndMicros, long FirstItem, long Items);
