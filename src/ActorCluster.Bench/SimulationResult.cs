namespace ActorCluster.Bench;

/// <summary>What the scheduling policy alone achieves: no noise, only item costs, batch sizing and message latency.</summary>
public sealed record SimulationResult(double MakespanUs, double LowerBoundUs, long Batches)
{
    public double OverLowerBound => MakespanUs / LowerBoundUs;
}
