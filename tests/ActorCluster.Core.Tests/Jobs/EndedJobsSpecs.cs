using ActorCluster.Core.Jobs;

namespace ActorCluster.Core.Tests.Jobs;

public class EndedJobsSpecs
{
    [Fact]
    public void Should_remember_only_jobs_that_have_ended()
    {
        var ended = new EndedJobs<string>()
            .Remember("j-1", JobPhase.Running, "running")
            .Remember("j-2", JobPhase.Completed, "completed")
            .Remember("j-3", JobPhase.Failed, "failed")
            .Remember("j-4", JobPhase.Cancelled, "cancelled");

        Assert.False(ended.Contains("j-1"));
        Assert.Equal(["completed", "failed", "cancelled"], new[] { "j-2", "j-3", "j-4" }.Select(ended.Find));
        Assert.Null(ended.Find("j-1"));
    }

    [Fact]
    public void Should_keep_the_first_summary_of_a_job_that_ended()
    {
        var ended = new EndedJobs<string>().Remember("j-1", JobPhase.Completed, "first").Remember("j-1", JobPhase.Completed, "second");

        Assert.Equal(("first", 1), (ended.Find("j-1"), ended.Count));
    }

    [Fact]
    public void Should_forget_the_earliest_remembered_beyond_its_capacity()
    {
        var ended = new EndedJobs<string>(capacity: 3);
        for (var i = 1; i <= 5; i++) ended = ended.Remember($"j-{i}", JobPhase.Completed, $"s{i}");

        Assert.Equal(3, ended.Count);
        Assert.Equal([false, false, true, true, true], Enumerable.Range(1, 5).Select(i => ended.Contains($"j-{i}")));
    }

    [Fact]
    public void Should_leave_the_instance_a_listing_holds_unchanged()
    {
        var before = new EndedJobs<string>().Remember("j-1", JobPhase.Completed, "s1");

        var after = before.Remember("j-2", JobPhase.Completed, "s2");

        Assert.False(before.Contains("j-2"));
        Assert.True(after.Contains("j-2") && after.Contains("j-1"));
    }
}
