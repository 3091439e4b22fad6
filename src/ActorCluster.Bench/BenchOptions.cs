namespace ActorCluster.Bench;

/// <summary>What one bench run does: its sizes, the <c>actorcluster</c> its nodes run, and which sections.</summary>
public sealed record BenchOptions
{
    public required BenchSizes Plan { get; init; }

    /// <summary>The built <c>actorcluster</c> dll every node process runs.</summary>
    public required string ActorCluster { get; init; }

    /// <summary>P: threads of the baselines and workers of a one-node cluster (default: logical cores).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Sections to run (see <see cref="BenchRunner.AllSections"/>); null = all.</summary>
    public IReadOnlySet<string>? Sections { get; init; }

    public TextWriter Log { get; init; } = Console.Out;

    /// <summary>Runs of every measurement; the fastest counts (best-of-N damps other load on a shared machine).</summary>
    public int Repeat { get; init; } = 1;
}
