using ActorCluster.Core.Agents;
using ActorCluster.Core.Profiling;
using ActorCluster.Core.Tests.Profiling;

namespace ActorCluster.Core.Tests.Agents;

public sealed class JobUsageTrackerSpecs
{
    private const long Mb = 1024 * 1024;

    private static ResourceSnapshot Sample(long rssMb, double? cpu) => Machines.Of(4, 16) with { ProcessRssBytes = rssMb * Mb, ProcessCpuFraction = cpu };

    [Fact]
    public void Should_keep_the_peak_memory_and_the_mean_cpu_of_the_samples_that_had_one()
    {
        var usage = new JobUsageTracker();

        usage.Observe(Sample(300, 0.5));
        usage.Observe(Sample(900, null));
        usage.Observe(Sample(400, 0.25));

        Assert.Equal(900 * Mb, usage.PeakRssBytes);
        Assert.Equal(37.5, usage.CpuPercent);
    }

    [Fact]
    public void Should_be_worth_sending_at_first_and_after_each_change_only()
    {
        var usage = new JobUsageTracker();

        var atFirst = usage.TakeChange();
        var unchanged = usage.TakeChange();
        usage.Observe(Sample(100, 0.1));
        var afterSample = usage.TakeChange();
        usage.Resized(DateTimeOffset.UnixEpoch, new PressureEvent(PressureAction.Shrink, 4, 2, 0.9, "memory"));
        var afterResize = usage.TakeChange();

        Assert.Equal((true, false, true, true), (atFirst, unchanged, afterSample, afterResize));
        Assert.Equal((4, 2), (usage.Resizes[0].Event.FromWorkers, usage.Resizes[0].Event.ToWorkers));
    }
}
