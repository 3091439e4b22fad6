namespace ActorCluster.Node.Metrics;

/// <summary>What one node agent last set for its gauges; written by the agent's thread, read by a scrape.</summary>
public sealed class AgentGauges
{
    private int _workers;
    private int _outstanding;
    private int _pressure;

    public int Workers => Volatile.Read(ref _workers);
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>0 normal, 1 shrinking, 2 paused.</summary>
    public int Pressure => Volatile.Read(ref _pressure);

    public void Set(int workers, int outstanding, bool capped, bool paused)
    {
        Volatile.Write(ref _workers, workers);
        Volatile.Write(ref _outstanding, outstanding);
        Volatile.Write(ref _pressure, paused ? 2 : capped ? 1 : 0);
    }
}
