namespace ActorCluster.Core.Jobs;

/// <summary>One change of a node's pool (or its pause/resume) under memory pressure.</summary>
public sealed record PoolResize(long AtUnixMs, string Action, int FromWorkers, int ToWorkers, double MemoryFraction, string Reason);
