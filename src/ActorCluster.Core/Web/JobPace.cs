using ActorCluster.Core.Jobs;

namespace ActorCluster.Core.Web;

/// <summary>
/// What the jobs view shows beside a job's counts: done fraction, items/s over its whole run, and the time left at that
/// rate. Items taken from the result cache count as done but not as run, so they do not inflate the rate or shrink the ETA.
/// </summary>
public sealed record JobPace(double Percent, double ItemsPerSecond, double? EtaSeconds)
{
    public static JobPace Of(JobPhase state, long itemsTotal, long itemsCompleted, long itemsFromCache, long durationMs)
    {
        var percent = itemsTotal <= 0 ? (state == JobPhase.Running ? 0 : 100) : Math.Min(100, 100.0 * itemsCompleted / itemsTotal);
        var run = Math.Max(0, itemsCompleted - itemsFromCache);
        var rate = durationMs <= 0 ? 0 : run / (durationMs / 1000.0);
        double? eta = state == JobPhase.Running && rate > 0 ? Math.Max(0, itemsTotal - itemsCompleted) / rate : null;
        return new JobPace(percent, rate, eta);
    }
}
