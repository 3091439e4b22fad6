namespace ActorCluster.Bench;

/// <summary>
/// Sizes of every scenario. <c>--quick</c> keeps the same shapes with fewer items (and a smaller LFSR
/// degree) so the whole run fits in under two minutes on two cores; the full run uses the sizes the
/// targets name.
/// </summary>
public sealed record BenchSizes
{
    public required string Mode { get; init; }
    public required int LfsrDegree { get; init; }
    public required long CpuItems { get; init; }
    public double CpuCostUs { get; init; } = 1000;
    public required long TinyItems { get; init; }
    public double TinyCostUs { get; init; } = 2;
    public required long SkewItems { get; init; }
    public double SkewCostUs { get; init; } = 200;
    public required long PinnedItems { get; init; }
    /// <summary>
    /// Items of the sleep scale-out scenario: enough that one node needs several seconds, so the 3-node
    /// run (a third of that) is not dominated by the fixed cost of starting and ending a job.
    /// </summary>
    public required long SleepItems { get; init; }
    public double SleepCostUs { get; init; } = 2000;
    /// <summary>
    /// Items of the skewed sleeping scenario on 3 single-worker nodes (lognormal, sigma 2): enough that each node
    /// sleeps for seconds, so the bound, not the fixed cost of starting and ending a job, decides the makespan.
    /// </summary>
    public required long SkewSleepItems { get; init; }
    public double SkewSleepCostUs { get; init; } = 5000;
    public required long HandoutItems { get; init; }

    /// <summary>The lfsr degree of the TLS cost rows (the target names 18).</summary>
    public required int TlsLfsrDegree { get; init; }
    public required TimeSpan MemoryWatch { get; init; }
    public required int LatencyRuns { get; init; }
    public required TimeSpan JobTimeout { get; init; }

    /// <summary>Size of the generated CSV of the csv row (the target names 1 GB).</summary>
    public required int CsvMegabytes { get; init; }

    /// <summary>The csv scenario's id in the table and the targets.</summary>
    public string CsvId => $"csv {CsvMegabytes} MB";

    /// <summary>Items of the memory scenario: 2^40, never materialized anywhere.</summary>
    public long HugeItems { get; init; } = 1L << 40;

    public static BenchSizes Quick { get; } = new()
    {
        Mode = "quick",
        LfsrDegree = 16,
        CpuItems = 1_500,
        TinyItems = 1_000_000,
        SkewItems = 6_000,
        PinnedItems = 1_500,
        SleepItems = 4_500,
        SkewSleepItems = 1_200,
        HandoutItems = 5_000,
        TlsLfsrDegree = 14,
        MemoryWatch = TimeSpan.FromSeconds(3),
        LatencyRuns = 5,
        JobTimeout = TimeSpan.FromSeconds(120),
        CsvMegabytes = 100,
    };

    public static BenchSizes Full { get; } = new()
    {
        Mode = "full",
        LfsrDegree = 18,
        CpuItems = 6_000,
        TinyItems = 10_000_000,
        SkewItems = 15_000,
        PinnedItems = 5_000,
        SleepItems = 12_000,
        SkewSleepItems = 4_800,
        HandoutItems = 50_000,
        TlsLfsrDegree = 18,
        MemoryWatch = TimeSpan.FromSeconds(8),
        LatencyRuns = 15,
        JobTimeout = TimeSpan.FromSeconds(300),
        CsvMegabytes = 1024,
    };

    /// <summary>The one-node scenarios: each runs sequentially, through every baseline and on one node.</summary>
    public IReadOnlyList<(string Id, ItemKernel Kernel)> OneNodeScenarios() =>
    [
        ($"lfsr {LfsrDegree}", new LfsrKernel(LfsrDegree)),
        ($"cpu {CpuCostUs:0} us", new SyntheticKernel(CpuItems, CpuCostUs)),
        ($"tiny {TinyCostUs:0} us", new SyntheticKernel(TinyItems, TinyCostUs)),
        ("lognormal:2", new SyntheticKernel(SkewItems, SkewCostUs, "lognormal:2")),
        ("pareto:1.5", new SyntheticKernel(SkewItems, SkewCostUs, "pareto:1.5")),
        // hot items double the mean cost (1% of items at 100x): half the items keep the run time comparable.
        ("hot:0.01:100", new SyntheticKernel(SkewItems / 2, SkewCostUs, "hot:0.01:100")),
    ];

    /// <summary>The skewed sleeping scenario: its id in the table and the targets.</summary>
    public const string SkewedSleepId = "sleep lognormal:2";

    /// <summary>Sleeping items with lognormal costs (sigma 2): the skewed scenario of the 3 single-worker nodes.</summary>
    public SyntheticKernel SkewedSleep() => new(SkewSleepItems, SkewSleepCostUs, "lognormal:2", kind: "sleep");
}
