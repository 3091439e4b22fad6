using ActorCluster.Cli;
using ActorCluster.Core.Jobs;

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

    [Fact]
    public void Should_keep_active_nodes_for_a_running_job_and_say_ran_on_for_a_finished_one_in_plain_lines()
    {
        var view = new StringWriter();
        var progress = new ProgressView(view, interactive: false);
        var running = FinalSummarySpecs.Finished(null) with { State = JobPhase.Running, ItemsCompleted = 500, ActiveNodes = 3 };

        progress.Update(running, TimeSpan.FromSeconds(2));
        progress.Update(FinalSummarySpecs.Finished(null), TimeSpan.FromSeconds(4));

        var lines = view.ToString().ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^progress: 500/1000 items .*, 3 active nodes$", lines[0]);
        Assert.Matches(@"^progress: 1000/1000 items .*, ran on 2 nodes$", lines[1]);
    }

    [Fact]
    public void Should_say_a_finished_job_ran_on_only_the_nodes_that_ran_a_batch_of_it()
    {
        var view = new StringWriter();
        var progress = new ProgressView(view, interactive: false);
        var finished = FinalSummarySpecs.Finished(null);
        var askedOnly = finished with { Nodes = [.. finished.Nodes, new NodeTally("akka.tcp://actorcluster@10.0.0.3:4053", 2, 0, 0, 0)] };

        progress.Update(askedOnly, TimeSpan.FromSeconds(4));

        Assert.Matches(@"^progress: 1000/1000 items .*, ran on 2 nodes$", view.ToString().TrimEnd());
    }
}
