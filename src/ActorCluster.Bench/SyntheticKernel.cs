using System.Globalization;
using System.Text.Json.Nodes;
using ActorCluster.Workloads;

namespace ActorCluster.Bench;

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

    /// <summary>
    /// The least time a sleeping item takes: the workload sleeps with <c>Thread.Sleep(TimeSpan)</c>, which waits
    /// whole milliseconds (it drops the rest) and never wakes early; under a millisecond it does not sleep.
    /// </summary>
    public double MinimumSleepUs(long item) => Math.Floor(CostUs(item)!.Value / 1000) * 1000;

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
