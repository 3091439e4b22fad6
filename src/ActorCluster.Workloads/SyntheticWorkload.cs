using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ActorCluster.Abstractions;

namespace ActorCluster.Workloads;

/// <summary>
/// Items with a known, deterministic cost drawn from a distribution: for smoke-testing a cluster and
/// for benchmarks (tiny items, skewed items, sleeping items). Item i's output is a hash of (seed, i),
/// so the checksum is the same however the items are split, ordered or spread over nodes.
/// </summary>
public sealed class SyntheticWorkload : IWorkload
{
    public string Name => "synthetic";

    private static readonly WorkloadOption<long> Items = WorkloadOption.Int64("items", "N", "how many items", 1, 1L << 50);
    private static readonly WorkloadOption<double> CostUs = WorkloadOption.Double("cost-us", "X", "mean cost of an item in microseconds", 0, 60_000_000, 0);
    private static readonly WorkloadOption<string> Distribution = WorkloadOption.Text("distribution", "D",
        "how item costs spread around the mean: uniform, lognormal:SIGMA, pareto:ALPHA or hot:FRACTION:FACTOR", "uniform");
    private static readonly WorkloadOption<long> Seed = WorkloadOption.Int64("seed", "S", "seed of the item costs and outputs", long.MinValue, long.MaxValue, 42);
    private static readonly WorkloadOption<string> Kind = WorkloadOption.Choice("kind", "burn the cost on a core (cpu) or wait it out (sleep)", ["cpu", "sleep"], "cpu");
    // A poison item, for testing what a cluster does with a workload that throws.
    private static readonly WorkloadOption<long> FailAt = WorkloadOption.Int64("fail-at", "ITEM", "this item throws (-1: none)", -1, long.MaxValue, -1);

    public string Description => "items of a known, deterministic cost, for smoke tests and benchmarks; the result is a checksum";

    public IReadOnlyList<WorkloadOption> Options => [Items, CostUs, Distribution, Seed, Kind, FailAt];

    public IWorkloadJob Prepare(IReadOnlyList<string> args)
    {
        var parsed = new WorkloadArguments(Name, args);
        var items = parsed.Get(Items);
        var costUs = parsed.Get(CostUs);
        var distribution = CostDistribution.Parse(parsed.Get(Distribution));
        var seed = parsed.Get(Seed);
        var kind = parsed.Get(Kind) == "sleep" ? SyntheticKind.Sleep : SyntheticKind.Cpu;
        var failAt = parsed.Get(FailAt);
        parsed.RejectUnknown();
        return new SyntheticJob(items, costUs, distribution, (ulong)seed, kind, failAt);
    }

    public enum SyntheticKind { Cpu, Sleep }

    /// <summary>The cost of every item, in microseconds; public so benchmarks and tests can compute lower bounds.</summary>
    public static double ItemCostUs(double costUs, CostDistribution distribution, ulong seed, long item) =>
        costUs * distribution.Factor(seed, item);

    /// <summary>Item i's output; the checksum is the wrapping sum of these.</summary>
    public static ulong ItemOutput(ulong seed, long item) => Hashing.SplitMix64(seed ^ Hashing.SplitMix64((ulong)item));

    public sealed class SyntheticJob(long items, double costUs, CostDistribution distribution, ulong seed, SyntheticKind kind, long failAt = -1) : IWorkloadJob
    {
        public long ItemCount => items;

        public WorkloadKind Kind => kind == SyntheticKind.Cpu ? WorkloadKind.CpuBound : WorkloadKind.IoBound;

        public long MemoryPerItemBytes => 0;

        public double CostUs(long item) => ItemCostUs(costUs, distribution, seed, item);

        /// <summary>Runs one item: burns or waits its cost and returns its output.</summary>
        public ulong RunItem(long item)
        {
            if (item == failAt)
                throw new InvalidOperationException($"synthetic: item {item} is poisoned (--fail-at {failAt})");
            var cost = CostUs(item);
            if (kind == SyntheticKind.Cpu)
                SpinWork.Burn(cost);
            else if (cost >= 1)
                Thread.Sleep(TimeSpan.FromMicroseconds(cost));
            return ItemOutput(seed, item);
        }

        public BatchOutput Execute(ItemRange range, CancellationToken cancellation)
        {
            ulong sum = 0;
            for (var i = range.Start; i < range.End; i++)
            {
                if ((i & 1023) == 0)
                    cancellation.ThrowIfCancellationRequested();
                sum += RunItem(i);
            }
            return ChecksumAggregator.Partial(sum, range.Count);
        }

        public IResultAggregator CreateAggregator() => new ChecksumAggregator();
    }

}

/// <summary>How item costs spread around the mean cost; every variant keeps the mean at 1.</summary>
public abstract record CostDistribution
{
    public abstract double Factor(ulong seed, long item);

    public static CostDistribution Parse(string text)
    {
        var parts = text.Split(':');
        try
        {
            return parts[0] switch
            {
                "uniform" when parts.Length == 1 => new Uniform(),
                "lognormal" when parts.Length == 2 => new LogNormal(Positive(parts[1], "SIGMA")),
                "pareto" when parts.Length == 2 => new Pareto(Above(parts[1], 1, "ALPHA")),
                "hot" when parts.Length == 3 => new Hot(Fraction(parts[1]), Positive(parts[2], "FACTOR")),
                _ => throw new FormatException(),
            };
        }
        catch (FormatException)
        {
            throw new WorkloadArgumentException(
                $"synthetic: --distribution must be uniform, lognormal:SIGMA, pareto:ALPHA or hot:FRACTION:FACTOR, got '{text}'");
        }
    }

    private static double Number(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : throw new FormatException();

    private static double Positive(string s, string what) => Number(s) is var v and > 0 ? v : throw new FormatException();

    private static double Above(string s, double min, string what) => Number(s) is var v && v > min ? v : throw new FormatException();

    private static double Fraction(string s) => Number(s) is var v and > 0 and < 1 ? v : throw new FormatException();

    /// <summary>Every item costs exactly the mean.</summary>
    public sealed record Uniform : CostDistribution
    {
        public override double Factor(ulong seed, long item) => 1;
    }

    /// <summary>exp(sigma z - sigma^2/2): mean 1, a long right tail.</summary>
    public sealed record LogNormal(double Sigma) : CostDistribution
    {
        public override double Factor(ulong seed, long item)
        {
            var u1 = Hashing.Unit(seed, item, 1);
            var u2 = Hashing.Unit(seed, item, 2);
            var z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            return Math.Exp(Sigma * z - Sigma * Sigma / 2);
        }
    }

    /// <summary>Pareto with shape alpha, scaled to mean 1 (alpha must exceed 1).</summary>
    public sealed record Pareto(double Alpha) : CostDistribution
    {
        public override double Factor(ulong seed, long item) =>
            (Alpha - 1) / Alpha * Math.Pow(Hashing.Unit(seed, item, 3), -1 / Alpha);
    }

    /// <summary>A fraction of items are FACTOR times as expensive (hot spots); not normalized, the mean grows.</summary>
    public sealed record Hot(double HotFraction, double HotFactor) : CostDistribution
    {
        public override double Factor(ulong seed, long item) => Hashing.Unit(seed, item, 4) < HotFraction ? HotFactor : 1;
    }
}

internal static class Hashing
{
    public static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>A uniform number in (0, 1) for (seed, item, stream), never exactly 0 or 1.</summary>
    public static double Unit(ulong seed, long item, ulong stream) =>
        ((SplitMix64(seed ^ SplitMix64((ulong)item * 0x2545F4914F6CDD1DUL + stream)) >> 11) + 0.5) / (1UL << 53);
}

/// <summary>
/// Burns CPU for a given number of microseconds with a calibrated, deterministic loop rather than a
/// clock: a clock-based spin would count time the thread spent descheduled and make an oversubscribed
/// pool look free.
/// </summary>
public static class SpinWork
{
    /// <summary>
    /// Fixes the calibration instead of measuring it, so several processes burn exactly the same work per
    /// item (the benchmark passes its own calibration to the nodes it starts, so no node gets cheaper items).
    /// </summary>
    public const string CalibrationVariable = "ACTORCLUSTER_SPIN_ITERATIONS_PER_US";

    private static readonly Lazy<double> IterationsPerMicrosecond =
        new(() => ParseCalibration(Environment.GetEnvironmentVariable(CalibrationVariable)) ?? Calibrate());

    /// <summary>A positive, finite iterations-per-microsecond value, or null (then the loop is calibrated here).</summary>
    public static double? ParseCalibration(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v > 0 ? v : null;

    public static double IterationsPerUs => IterationsPerMicrosecond.Value;

    public static void Burn(double microseconds)
    {
        var iterations = (long)(microseconds * IterationsPerMicrosecond.Value);
        Spin(iterations);
    }

    private static ulong _sink;

    private static void Spin(long iterations)
    {
        ulong x = 0x1234567;
        for (long i = 0; i < iterations; i++)
            x = x * 6364136223846793005UL + 1442695040888963407UL;
        Volatile.Write(ref _sink, x);
    }

    private static double Calibrate()
    {
        Spin(100_000); // warm up the JIT
        var best = double.MaxValue;
        const long probe = 2_000_000;
        for (var round = 0; round < 5; round++)
        {
            var sw = Stopwatch.StartNew();
            Spin(probe);
            best = Math.Min(best, sw.Elapsed.TotalMicroseconds);
        }
        return probe / best;
    }
}
