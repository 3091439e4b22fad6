using System.Globalization;
using System.Text.Json.Nodes;
using ActorCluster.Workloads;

namespace ActorCluster.Bench;

/// <summary>
/// What a run computed, independent of how the items were split or ordered: a wrapping sum of item
/// outputs and a count. Every scenario's digest must equal the sequential one.
/// </summary>
public readonly record struct Digest(ulong Sum, long Count)
{
    public static Digest operator +(Digest a, Digest b) => new(unchecked(a.Sum + b.Sum), a.Count + b.Count);

    public override string ToString() => $"{Sum:x16}/{Count}";
}

/// <summary>
/// The items of one benchmark scenario as plain code the baselines can run one by one, plus the cluster
/// job (workload name and arguments) that runs exactly the same items, and how to read that job's result
/// back into a <see cref="Digest"/>.
/// </summary>
public abstract class ItemKernel
{
    /// <summary>Workload name as submitted to the cluster.</summary>
    public abstract string Workload { get; }

    /// <summary>Workload arguments as submitted to the cluster.</summary>
    public abstract IReadOnlyList<string> Args { get; }

    public abstract long ItemCount { get; }

    /// <summary>Runs item <paramref name="item"/> and returns its contribution to the digest.</summary>
    public abstract Digest RunItem(long item);

    /// <summary>Nominal cost of an item in microseconds when the workload knows it (for the lower bound); null otherwise.</summary>
    public virtual double? CostUs(long item) => null;

    /// <summary>The digest computed without doing the work (e.g. without sleeping), when the workload allows it.</summary>
    public virtual Digest? DigestWithoutWork() => null;

    /// <summary>Reads a cluster job's result JSON (report.json's <c>result</c>) as a digest.</summary>
    public abstract Digest FromResultJson(string json);

    public string Describe() => $"{Workload} {string.Join(' ', Args)}";

    /// <summary>
    /// A smaller job of the same kind (about a tenth of the work): every runner does it once, untimed,
    /// before it is measured, so no runner is timed while the JIT is still tiering up its code paths.
    /// </summary>
    public abstract ItemKernel WarmUp();
}

/// <summary><c>synthetic</c> items: the same <see cref="SyntheticWorkload.SyntheticJob.RunItem"/> the cluster runs.</summary>
public sealed class SyntheticKernel : ItemKernel
{
    private readonly SyntheticWorkload.SyntheticJob _job;
    private readonly CostDistribution _distribution;
    private readonly ulong _seed;
    private readonly double _costUs;

    private readonly string _distributionText;
    private readonly string _kind;

    public SyntheticKernel(long items, double costUs, string distribution = "uniform", long seed = 42, string kind = "cpu")
    {
        _distributionText = distribution;
        _kind = kind;
        ItemCount = items;
        _costUs = costUs;
        _distribution = CostDistribution.Parse(distribution);
        _seed = (ulong)seed;
        Args =
        [
            "--items", items.ToString(CultureInfo.InvariantCulture),
            "--cost-us", costUs.ToString(CultureInfo.InvariantCulture),
            "--distribution", distribution,
            "--seed", seed.ToString(CultureInfo.InvariantCulture),
            "--kind", kind,
        ];
        _job = (SyntheticWorkload.SyntheticJob)new SyntheticWorkload().Prepare(Args);
    }

    public override string Workload => "synthetic";

    public override IReadOnlyList<string> Args { get; }

    public override long ItemCount { get; }

    public override Digest RunItem(long item) => new(_job.RunItem(item), 1);

    public override ItemKernel WarmUp() => new SyntheticKernel(Math.Max(1, ItemCount / 10), _costUs, _distributionText, (long)_seed, _kind);

    public override double? CostUs(long item) => SyntheticWorkload.ItemCostUs(_costUs, _distribution, _seed, item);

    public override Digest? DigestWithoutWork()
    {
        ulong sum = 0;
        for (long i = 0; i < ItemCount; i++)
            sum += SyntheticWorkload.ItemOutput(_seed, i);
        return new Digest(sum, ItemCount);
    }

    public override Digest FromResultJson(string json)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        return new Digest(ulong.Parse((string)o["checksum"]!, NumberStyles.HexNumber, CultureInfo.InvariantCulture), (long)o["items"]!);
    }
}

/// <summary><c>lfsr</c> items: item i is the tap mask <c>i | 1 &lt;&lt; (N-1)</c>; the digest sums the maximal ones.</summary>
public sealed class LfsrKernel(int degree) : ItemKernel
{
    private readonly uint _highestTap = 1u << (degree - 1);

    public override string Workload => "lfsr";

    public override IReadOnlyList<string> Args { get; } = ["--degree", degree.ToString(CultureInfo.InvariantCulture)];

    public override long ItemCount => 1L << (degree - 1);

    /// <summary>Three degrees less: an eighth of the items, each cheaper.</summary>
    public override ItemKernel WarmUp() => new LfsrKernel(Math.Max(3, degree - 3));

    public override Digest RunItem(long item)
    {
        var mask = (uint)item | _highestTap;
        return LfsrWorkload.HasMaximalPeriod(degree, mask) ? new Digest(mask, 1) : default;
    }

    public override Digest FromResultJson(string json)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        ulong sum = 0;
        foreach (var tap in o["maximalTaps"]!.AsArray())
            sum += (ulong)tap!;
        return new Digest(sum, (long)o["maximalCount"]!);
    }
}
