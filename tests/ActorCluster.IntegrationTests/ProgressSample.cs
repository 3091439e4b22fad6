namespace ActorCluster.IntegrationTests;

/// <summary>One plain progress line of `submit`: when it came, items done of the total, and how many nodes were working.</summary>
public sealed record ProgressSample(TimeSpan At, long Items, long Total, int ActiveNodes);
