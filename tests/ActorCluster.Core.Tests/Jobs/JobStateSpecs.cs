using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Core.Tests.Jobs;

public sealed class JobStateSpecs
{
    private const long StartedAt = 1_700_000_000_000;
    private static readonly NodeJobUsage Usage = new("cpu-bound", 2, "cpu-bound: 2 cores", 100 << 20, 50, []);

    private readonly CountingWorkload _workload = new();

    private JobState<string> NewState() =>
        new(new WorkloadRegistry([_workload]), new BatchSizingOptions { InitialBatchSize = 10, TailFactor = 1, MaxGrowthFactor = 1 }, maxAttempts: 3);

    /// <summary>A job of <paramref name="items"/> started live, with the event that started it.</summary>
    private (JobState<string> State, JobStarted Started) Started(long items = 100)
    {
        var state = NewState();
        Assert.True(state.TryAccept("j-1", "counting", ["--items", items.ToString()], StartedAt, out var started, out _));
        state.Apply(started);
        return (state, started);
    }

    /// <summary>
    /// An agent asks for <paramref name="credits"/> batches and runs the first <paramref name="run"/> (all by
    /// default), one completion message each: the events journaled, in order.
    /// </summary>
    private static List<BatchesCounted> Run(JobState<string> state, string agent, string node, int credits, int? run = null)
    {
        state.Grant(agent, node, credits, workers: 2);
        return state.Dispatch()
            .Take(run ?? credits)
            .Select(h => state.Complete(agent, node, 2, null, [(h.BatchId, Counted(h.Range))]))
            .OfType<BatchesCounted>()
            .ToList();
    }

    private static CountedRange Counted(ItemRange range, long busyMicros = 2_000) =>
        new(range.Start, range.Count, busyMicros, BitConverter.GetBytes(range.Count));

    private static object Summary(JobState<string> state) => new
    {
        state.Phase,
        state.ItemsTotal,
        state.ItemsCompleted,
        state.BatchesCounted,
        Nodes = string.Join("; ", state.Tallies()),
        Result = state.Snapshot().Aggregate.Length > 0 ? BitConverter.ToInt64(state.Snapshot().Aggregate) : -1,
    };

    [Fact]
    public void Should_count_the_items_the_workload_says_failed_live_and_after_a_snapshot()
    {
        var live = NewState();
        Assert.True(live.TryAccept("j-1", "counting", ["--items", "100", "--odd-items-fail"], StartedAt, out var started, out _));
        live.Apply(started);
        Run(live, "a", "node-1", credits: 3); // items 0 to 29

        var recovered = NewState();
        recovered.Load(live.Snapshot());

        Assert.Equal(15, live.ItemsFailed);
        Assert.Equal(15, recovered.ItemsFailed);
        Assert.Equal(0, Started().State.ItemsFailed); // a workload that does not count failures has none
    }

    [Fact]
    public void Should_count_no_failed_items_rather_than_throw_when_the_workloads_count_throws()
    {
        var state = NewState();
        Assert.True(state.TryAccept("j-1", "counting", ["--items", "100", "--odd-items-fail", "--failed-count-throws"], StartedAt, out var started, out _));
        state.Apply(started);
        Run(state, "a", "node-1", credits: 1);

        Assert.Equal(0, state.ItemsFailed);
    }

    [Fact]
    public void Should_recover_from_its_events_alone_what_it_had_counted()
    {
        var (live, started) = Started();
        var events = Run(live, "a", "node-1", credits: 5, run: 3); // two batches in flight when the coordinator stops

        var recovered = NewState();
        recovered.Apply(started);
        events.ForEach(recovered.Apply);
        var rerun = recovered.Resume();

        Assert.Equal(Summary(live), Summary(recovered));
        Assert.Equal(30, recovered.ItemsCompleted);
        Assert.Equal(20, rerun); // what was handed out but not counted runs again
        Assert.Equal(20, recovered.ItemsExecutedMoreThanOnce);
        Assert.True(recovered.HasWorkToHandOut);
    }

    [Fact]
    public void Should_recover_from_a_snapshot_and_the_events_after_it()
    {
        var (live, _) = Started();
        var before = Run(live, "a", "node-1", credits: 2);
        var snapshot = live.Snapshot();
        var after = Run(live, "b", "node-2", credits: 3);

        var recovered = NewState();
        recovered.Load(snapshot);
        before.Concat(after).ToList().ForEach(recovered.Apply); // events the snapshot holds already, replayed too
        recovered.Resume();

        Assert.Equal(Summary(live), Summary(recovered));
        Assert.Equal(50, recovered.ItemsCompleted);
        Assert.Equal(0, recovered.ItemsExecutedMoreThanOnce);
    }

    [Fact]
    public void Should_keep_an_ended_jobs_timeline_in_its_final_snapshot_only()
    {
        var (live, _) = Started();
        Run(live, "a", "node-1", credits: 3);
        var running = live.Snapshot();
        Run(live, "b", "node-2", credits: 7);
        live.Apply(live.Finish(JobPhase.Completed, null, StartedAt + 500));

        var recovered = NewState();
        recovered.Load(live.Snapshot());
        var (before, after) = (live.Timeline.View(), recovered.Timeline.View());

        Assert.Null(running.Timeline);
        Assert.Equal(10, after.BatchesTotal);
        Assert.Equal(before.Nodes, after.Nodes);
        Assert.Equal(before.Batches, after.Batches);
        Assert.Equal(before.Buckets, after.Buckets);
    }

    [Fact]
    public void Should_count_an_event_replayed_twice_once()
    {
        var (live, started) = Started();
        var events = Run(live, "a", "node-1", credits: 2);

        var recovered = NewState();
        recovered.Apply(started);
        foreach (var e in events.Concat(events)) recovered.Apply(e);
        recovered.Apply(recovered.Finish(JobPhase.Cancelled, "cancelled by user", StartedAt + 1_000));

        Assert.Equal(20, recovered.ItemsCompleted);
        Assert.Equal(2, recovered.BatchesCounted);
        var node = Assert.Single(recovered.Tallies());
        Assert.Equal((2L, 20L), (node.Batches, node.Items));
        Assert.Equal("{\"items\":20}", recovered.ResultJson);
    }

    [Fact]
    public void Should_keep_a_tally_per_node_of_batches_items_time_and_usage()
    {
        var (state, _) = Started();
        state.Grant("a", "node-1", 2, workers: 4);
        state.Grant("b", "node-2", 1, workers: 1);
        var handouts = state.Dispatch();
        var ofA = handouts.Where(h => h.Agent == "a").ToList();
        var ofB = handouts.Single(h => h.Agent == "b");

        state.Complete("a", "node-1", 4, Usage, ofA.Select(h => (h.BatchId, Counted(h.Range, busyMicros: 1_500))));
        state.Complete("a", "node-1", 4, null, [(ofA[0].BatchId, Counted(ofA[0].Range))]); // a duplicate adds nothing
        state.Complete("b", "node-2", 1, null, [(ofB.BatchId, Counted(ofB.Range, busyMicros: 7_000))]);

        Assert.Equal(
        [
            new NodeTally("node-1", 4, 2, 20, 3, Usage),
            new NodeTally("node-2", 1, 1, 10, 7),
        ], state.Tallies());
        Assert.Equal(10, state.ItemsExecutedMoreThanOnce);
    }

    [Fact]
    public void Should_answer_what_a_status_shows_while_running_and_after_the_end()
    {
        var (state, started) = Started(items: 20);
        state.Grant("a", "node-1", 1, 1);
        state.Grant("b", "node-1", 1, 1);
        state.Grant("c", "node-2", 0, 1);
        var handouts = state.Dispatch();

        Assert.Equal((JobPhase.Running, 1, 250L), (state.Phase, state.ActiveNodes, state.ElapsedMs(StartedAt + 250)));
        Assert.Null(state.ResultJson);
        Assert.Equal(["--items", "20"], state.Spec!.Args);

        foreach (var h in handouts) state.Complete(h.Agent, "node-1", 1, null, [(h.BatchId, Counted(h.Range))]);
        while (!state.IsComplete) Run(state, "a", "node-1", credits: 1);
        state.Apply(state.Finish(JobPhase.Completed, null, StartedAt + 900));

        Assert.Equal((JobPhase.Completed, 0, 900L, 20L), (state.Phase, state.ActiveNodes, state.ElapsedMs(StartedAt + 5_000), state.ItemsCompleted));
        Assert.Equal("{\"items\":20}", state.ResultJson);
        Assert.Equal(new JobProgress(JobPhase.Completed, 20, state.BatchesCounted, 0), state.Progress);
        Assert.Equal(started, state.Spec);
    }

    [Fact]
    public void Should_prepare_the_workload_once_per_life()
    {
        var (live, started) = Started();
        Assert.Equal(1, _workload.Prepared);

        NewState().Apply(started); // a recovering coordinator has nothing prepared yet

        Assert.Equal(2, _workload.Prepared);
    }

    [Theory]
    [InlineData(new[] { "--items", "-1" }, "counting: --items must be between 0 and 9223372036854775807, got -1")]
    [InlineData(new[] { "--throw" }, "counting: cannot prepare job: plugin bug")]
    public void Should_reject_a_submission_with_a_one_line_reason(string[] args, string reason)
    {
        var state = NewState();

        Assert.False(state.TryAccept("j-1", "counting", args, StartedAt, out var started, out var why));

        Assert.Null(started);
        Assert.Equal(reason, why);
    }

    [Fact]
    public void Should_fail_a_job_whose_workload_this_node_lacks_when_it_recovers_it()
    {
        var state = new JobState<string>(new WorkloadRegistry([]), new BatchSizingOptions(), 3);

        state.Apply(new JobStarted("j-1", "counting", ["--items", "5"], 5, StartedAt));

        Assert.Equal(JobPhase.Failed, state.Phase);
        Assert.Equal("cannot resume on this node: unknown workload 'counting' (known: )", state.Finished!.Error);
    }
}
