namespace ActorCluster.Bench;

public sealed record BenchResults
{
    public required string Mode { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required double TotalSeconds { get; init; }
    public required MachineInfo Machine { get; init; }
    public required int Workers { get; init; }
    public required IReadOnlyList<BenchRow> Rows { get; init; }
    public required IReadOnlyList<TargetResult> Targets { get; init; }

    /// <summary>Named measurements that are not throughput rows (hand-out rate, bytes per batch, RSS, latency).</summary>
    public required IReadOnlyDictionary<string, double> Measurements { get; init; }

    public required IReadOnlyList<string> Notes { get; init; }

    public required IReadOnlyList<string> Failures { get; init; }
}
