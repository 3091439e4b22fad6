using ActorCluster.Core.Jobs;

namespace ActorCluster.Core.Tests.Jobs;

public sealed class JobWatchersSpecs
{
    private static readonly JobProgress Start = new(JobPhase.Running, 0, 0, 0);
    private static readonly JobProgress Later = new(JobPhase.Running, 10, 1, 1);

    [Fact]
    public void Should_send_progress_only_when_it_changed()
    {
        var watchers = new JobWatchers<string>(TimeSpan.FromSeconds(60));
        Assert.True(watchers.Watch("client", Start, nowMs: 0)); // it was just told Start

        Assert.Empty(watchers.DueFor(Start, 100));
        Assert.Equal(["client"], watchers.DueFor(Later, 200));
        Assert.Empty(watchers.DueFor(Later, 300));
    }

    [Fact]
    public void Should_forget_a_watcher_whose_lease_lapsed_and_keep_one_that_renewed()
    {
        var watchers = new JobWatchers<string>(TimeSpan.FromSeconds(60));
        watchers.Watch("gone", Start, nowMs: 0);
        watchers.Watch("renewing", Start, nowMs: 0);

        Assert.False(watchers.Watch("renewing", Start, nowMs: 40_000));
        var due = watchers.DueFor(Later, 70_000);

        Assert.Equal(["renewing"], due);
    }

    [Fact]
    public void Should_give_every_watcher_the_end_once_and_then_have_none()
    {
        var watchers = new JobWatchers<string>(TimeSpan.FromSeconds(60));
        watchers.Watch("a", Start, 0);
        watchers.Watch("b", Start, 0);
        watchers.DueFor(Later, 10); // the end goes out even if the progress looks the same

        Assert.Equal(["a", "b"], watchers.TakeAll().Order());
        Assert.Empty(watchers.DueFor(Start, 20));
    }
}
