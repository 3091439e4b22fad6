namespace ActorCluster.Bench;

/// <summary>One runner on one scenario: a line of the table.</summary>
public sealed record BenchRow
{
    public required string Section { get; init; }
    public required string Scenario { get; init; }
    public required string Runner { get; init; }
    public required long Items { get; init; }

    /// <summary>The makespan the table uses: wall time for in-process baselines, the coordinator's job duration for ActorCluster.</summary>
    public required double Seconds { get; init; }

    /// <summary>For ActorCluster: wall time from submit until the client saw Completed (the coordinator pushes the end to it).</summary>
    public double? WallSeconds { get; init; }

    public double ItemsPerSecond => Seconds > 0 ? Items / Seconds : 0;

    /// <summary>Throughput relative to Parallel.ForEach on the same items in the same run.</summary>
    public double? RatioToParallelForEach { get; init; }

    /// <summary>Makespan / max(W/P, longest item); 1.0 is a perfect schedule.</summary>
    public double? MakespanOverLowerBound { get; init; }

    public required bool Correct { get; init; }

    public string Digest { get; init; } = "";

    public string? Note { get; init; }
}
