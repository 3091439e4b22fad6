namespace ActorCluster.Bench;

/// <summary>Every item of a kernel run once, each timed on its own: the digest, each item's cost, and the wall time of it all.</summary>
public sealed record ItemTimes(Digest Digest, IReadOnlyList<double> CostsUs, TimeSpan Elapsed)
{
    /// <summary>max(W / P, longest item) in seconds, from the measured costs.</summary>
    public double LowerBoundSeconds(int workers) => LowerBound.FromCosts(CostsUs, workers).NominalUs / 1e6;
}
