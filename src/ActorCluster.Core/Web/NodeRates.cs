namespace ActorCluster.Core.Web;

/// <summary>
/// CPU % and batches/s of one node from its running totals, over the time since the previous sample. Asks that come
/// closer together than <see cref="MinInterval"/> (two dashboards, a scrape) get the last rates again, so a burst of asks
/// never divides by a few microseconds.
/// </summary>
public sealed class NodeRates(TimeSpan minInterval)
{
    private (DateTime At, TimeSpan Cpu, long Batches)? _last;

    public TimeSpan MinInterval { get; } = minInterval;

    public double CpuPercent { get; private set; }

    public double BatchesPerSecond { get; private set; }

    /// <param name="cpu">The process's total CPU time so far.</param>
    /// <param name="batches">Batches run on this node so far.</param>
    public void Sample(DateTime at, TimeSpan cpu, long batches)
    {
        if (_last is { } last)
        {
            var seconds = (at - last.At).TotalSeconds;
            if (seconds < MinInterval.TotalSeconds) return;
            CpuPercent = Math.Max(0, (cpu - last.Cpu).TotalSeconds / seconds * 100);
            BatchesPerSecond = Math.Max(0, (batches - last.Batches) / seconds);
        }
        _last = (at, cpu, batches);
    }
}
