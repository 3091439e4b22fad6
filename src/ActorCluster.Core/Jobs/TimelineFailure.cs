namespace ActorCluster.Core.Jobs;

/// <summary>
/// A batch that failed (or came back because its node was lost) on node <see cref="Node"/> (an index into
/// <see cref="JobTimelineView.Nodes"/>): its item range, the error (shortened), and whether it runs again.
/// </summary>
public sealed record TimelineFailure(long AtUnixMs, int Node, long FirstItem, long Items, string Error, bool WillRetry);
