using System.Globalization;
using System.Text.Json.Nodes;
using ActorCluster.Workloads;

namespace ActorCluster.Bench;

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
