namespace ActorCluster.Bench;

/// <summary>The benchmark cannot go on (wrong result, a job that failed, a node that would not start).</summary>
public sealed class BenchFailure(string message) : Exception(message);
