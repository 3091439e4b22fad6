namespace ActorCluster.Bench;

/// <summary>How to start one node: its extra arguments and, optionally, the CPU it is pinned to with <c>taskset</c>.</summary>
public sealed record NodeSpec(string Name, int Workers, int? PinnedCpu = null, IReadOnlyList<string>? ExtraArgs = null);
