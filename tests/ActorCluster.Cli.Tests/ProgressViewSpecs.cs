using ActorCluster.Cli;

namespace ActorCluster.Cli.Tests;

public sealed class ProgressViewSpecs
{
    [Fact]
    public void Should_count_the_nodes_that_ran_a_finished_job_where_none_is_active_any_more()
    {
        var view = new StringWriter();
        var progress = new ProgressView(view, interactive: true);

        progress.Update(FinalSummarySpecs.Finished(null), TimeSpan.FromSeconds(2));

        Assert.Contains("1,000/1,000 items", view.ToString());
        Assert.Contains("nodes 2 ", view.ToString());
        Assert.Equal(0, FinalSummarySpecs.Finished(null).ActiveNodes);
    }
}
