using ActorCluster.Core.Jobs;
using ActorCluster.Core.Web;

namespace ActorCluster.Core.Tests.Web;

public sealed class JobPaceSpecs
{
    [Fact]
    public void Should_give_percent_rate_and_time_left_of_a_running_job()
    {
        var pace = JobPace.Of(JobPhase.Running, itemsTotal: 1000, itemsCompleted: 250, itemsFromCache: 0, durationMs: 5000);

        Assert.Equal(25, pace.Percent, 6);
        Assert.Equal(50, pace.ItemsPerSecond, 6);
        Assert.Equal(15, pace.EtaSeconds!.Value, 6); // 750 items left at 50/s
    }

    [Fact]
    public void Should_not_count_cached_items_as_run()
    {
        var pace = JobPace.Of(JobPhase.Running, itemsTotal: 1000, itemsCompleted: 600, itemsFromCache: 500, durationMs: 2000);

        Assert.Equal(60, pace.Percent, 6);
        Assert.Equal(50, pace.ItemsPerSecond, 6);
        Assert.Equal(8, pace.EtaSeconds!.Value, 6);
    }

    [Fact]
    public void Should_have_no_eta_once_ended_or_before_any_progress()
    {
        Assert.Null(JobPace.Of(JobPhase.Completed, 10, 10, 0, 1000).EtaSeconds);
        Assert.Null(JobPace.Of(JobPhase.Running, 10, 0, 0, 1000).EtaSeconds);
        Assert.Equal(100, JobPace.Of(JobPhase.Completed, 0, 0, 0, 0).Percent);
        Assert.Equal(0, JobPace.Of(JobPhase.Running, 0, 0, 0, 0).ItemsPerSecond);
    }
}
