namespace ActorCluster.Bench;

/// <summary>
/// No schedule on P workers can finish before max(W / P, longest item), where W is the total work.
/// Item costs are nominal microseconds; a run's measured sequential time converts them to seconds on
/// this machine, so the bound and the makespans come from the same run.
/// </summary>
public sealed record LowerBound(double TotalUs, double LongestUs, int Workers)
{
    public double NominalUs => Math.Max(TotalUs / Workers, LongestUs);

    /// <summary>The bound in seconds, scaling nominal microseconds by what the sequential run actually took.</summary>
    public double Seconds(double sequentialSeconds) =>
        TotalUs > 0 ? sequentialSeconds * NominalUs / TotalUs : sequentialSeconds / Workers;

    public static LowerBound FromCosts(IEnumerable<double> costsUs, int workers)
    {
        if (workers < 1) throw new ArgumentOutOfRangeException(nameof(workers));
        double total = 0, longest = 0;
        foreach (var c in costsUs)
        {
            total += c;
            longest = Math.Max(longest, c);
        }
        return new LowerBound(total, longest, workers);
    }

    /// <summary>From the kernel's item costs; without known costs the bound is W / P (the longest item counts as negligible).</summary>
    public static LowerBound For(ItemKernel kernel, int workers)
    {
        if (kernel.CostUs(0) is null)
            return new LowerBound(0, 0, workers);
        return FromCosts(Costs(kernel), workers);
    }

    private static IEnumerable<double> Costs(ItemKernel kernel)
    {
        for (long i = 0; i < kernel.ItemCount; i++)
            yield return kernel.CostUs(i)!.Value;
    }
}
