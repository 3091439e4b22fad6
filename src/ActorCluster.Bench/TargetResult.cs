namespace ActorCluster.Bench;

public sealed record TargetResult(string Target, string Requirement, string Measured, bool? Met, string? Note = null);
