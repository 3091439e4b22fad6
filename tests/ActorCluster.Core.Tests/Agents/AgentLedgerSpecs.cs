using ActorCluster.Abstractions;
using ActorCluster.Core.Agents;
using ActorCluster.Core.Profiling;

namespace ActorCluster.Core.Tests.Agents;

/// <summary>
/// The agent's ledger driven the way the node agent drives it: credits granted, batches received and queued,
/// groups taken for idle workers, results back, completions sent. The job payload is just its id.
/// </summary>
public sealed class AgentLedgerSpecs
{
    private static readonly DateTime T0 = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private long _nextBatchId;

    private static WorkerPlan Plan(int workers, string policy = "fixed") => new(workers, policy, "spec");

    private static JobAccount<string> Add(AgentLedger<string> ledger, string jobId, int planned, string policy = "fixed") =>
        ledger.Add(jobId, jobId, Plan(planned, policy), T0);

    /// <summary>The coordinator answers the job's credits with that many batches of 10 items; returns their ids.</summary>
    private List<long> Answer(AgentLedger<string> ledger, JobAccount<string> job, int batches)
    {
        var ids = new List<long>();
        var account = ledger.Received(job.JobId, batches, T0)!;
        for (var i = 0; i < batches; i++)
        {
            var id = ++_nextBatchId;
            ledger.Enqueue(account, id, new ItemRange(id * 10, 10));
            ids.Add(id);
        }
        return ids;
    }

    /// <summary>Groups for every idle worker, as the agent takes them.</summary>
    private static List<BatchGroup<string>> TakeGroups(AgentLedger<string> ledger, int idleWorkers)
    {
        var groups = new List<BatchGroup<string>>();
        while (idleWorkers > 0 && ledger.TryTakeGroup(idleWorkers, out var group))
        {
            groups.Add(group);
            idleWorkers--;
        }
        return groups;
    }

    private static BatchResult[] Results(BatchGroup<string> group, long busyMicros = 5_000) =>
        group.Batches.Select(b => new BatchResult(b.BatchId, b.Range, busyMicros, [1], null, false)).ToArray();

    private static JobAccount<string>? Ran(AgentLedger<string> ledger, BatchGroup<string> group, long busyMicros = 5_000) =>
        ledger.GroupRan(group.Job.JobId, Results(group, busyMicros));

    /// <summary>Measures the job's batches at <paramref name="busyMicros"/> each by running one.</summary>
    private void Measure(AgentLedger<string> ledger, JobAccount<string> job, long busyMicros)
    {
        ledger.GrantCredits(T0, paused: false);
        Answer(ledger, job, 1);
        Ran(ledger, Assert.Single(TakeGroups(ledger, 1)), busyMicros);
        ledger.Sent(job);
    }

    [Fact]
    public void Should_ask_for_workers_plus_prefetch_and_nothing_more_until_work_finishes()
    {
        var ledger = new AgentLedger<string>(workers: 3, prefetch: 2);
        var job = Add(ledger, "j", planned: 3);

        ledger.GrantCredits(T0, paused: false);
        var first = job.NewCredits;
        ledger.GrantCredits(T0, paused: false);
        var second = job.NewCredits;

        Assert.Equal((5, 0), (first, second));
        Assert.Equal(5, job.Outstanding);
    }

    [Fact]
    public void Should_never_hold_or_ask_for_more_than_workers_plus_prefetch_whatever_the_order_of_events()
    {
        var ledger = new AgentLedger<string>(workers: 3, prefetch: 2);
        var jobs = new[] { Add(ledger, "wide", planned: 3), Add(ledger, "narrow", planned: 1) };
        var running = new List<BatchGroup<string>>();
        var random = new Random(11);

        for (var step = 0; step < 2_000; step++)
        {
            var job = jobs[random.Next(2)];
            switch (random.Next(4))
            {
                case 0:
                    ledger.GrantCredits(T0, paused: false);
                    break;
                case 1 when job.Outstanding > 0:
                    Answer(ledger, job, random.Next(1, job.Outstanding + 1));
                    break;
                case 2:
                    running.AddRange(TakeGroups(ledger, 3 - running.Count));
                    break;
                case 3 when running.Count > 0:
                    var done = running[random.Next(running.Count)];
                    running.Remove(done);
                    Ran(ledger, done, busyMicros: random.Next(2) == 0 ? 10 : 5_000);
                    ledger.Sent(done.Job);
                    break;
            }
            var held = jobs.Sum(j => j.Outstanding) + ledger.Queued + running.Sum(g => g.Batches.Count);
            var narrow = jobs[1].Outstanding + running.Where(g => g.Job == jobs[1]).Sum(g => g.Batches.Count);
            Assert.True(held <= 5, $"step {step}: {held} batches held or asked for, room for 5");
            Assert.True(narrow <= 3, $"step {step}: the one-worker job holds or asked for {narrow}, room for 1 + 2");
            Assert.True(running.Count <= 3, $"step {step}: {running.Count} workers busy of 3");
            Assert.True(running.Count(g => g.Job == jobs[1]) <= 1, $"step {step}: the one-worker job runs on more workers");
        }
    }

    [Fact]
    public void Should_send_each_finished_batch_once()
    {
        var ledger = new AgentLedger<string>(workers: 2, prefetch: 2);
        var job = Add(ledger, "j", planned: 2);
        ledger.GrantCredits(T0, paused: false);
        var ids = Answer(ledger, job, 4);
        var sent = new List<long>();

        while (TakeGroups(ledger, 2) is { Count: > 0 } groups)
        {
            foreach (var group in groups) Ran(ledger, group);
            ledger.GrantCredits(T0, paused: false);
            sent.AddRange(job.Finished.Select(f => f.BatchId));
            ledger.Sent(job);
        }
        ledger.GrantCredits(T0, paused: false);

        Assert.Equal(ids, sent.Order());
        Assert.Empty(job.Finished);
        Assert.Equal(4, job.BatchesRun);
    }

    [Fact]
    public void Should_send_batches_that_finished_together_in_one_completion_with_the_credits_they_freed()
    {
        var ledger = new AgentLedger<string>(workers: 3, prefetch: 0);
        var job = Add(ledger, "j", planned: 3);
        ledger.GrantCredits(T0, paused: false);
        Answer(ledger, job, 3);
        var groups = TakeGroups(ledger, 3);

        foreach (var group in groups) Ran(ledger, group); // all three before the agent sends anything
        ledger.GrantCredits(T0, paused: false);

        Assert.Equal(3, groups.Count);
        Assert.Equal(3, job.Finished.Count); // one completion message for three batches
        Assert.Equal(3, job.NewCredits);
    }

    [Fact]
    public void Should_hand_tiny_batches_to_a_worker_in_groups_of_a_fair_share()
    {
        var ledger = new AgentLedger<string>(workers: 2, prefetch: 32);
        var job = Add(ledger, "j", planned: 2);
        Measure(ledger, job, busyMicros: 10);
        ledger.GrantCredits(T0, paused: false);
        var ids = Answer(ledger, job, 32);

        var groups = TakeGroups(ledger, 2);

        // 32 batches over two idle workers: half each, well under the 1 ms a group may take (100 x 10 µs).
        Assert.Equal([16, 16], groups.Select(g => g.Batches.Count));
        Assert.Equal(ids, groups.SelectMany(g => g.Batches).Select(b => b.BatchId)); // in queue order
        Assert.Equal(0, ledger.Queued);
    }

    [Fact]
    public void Should_bound_a_group_to_about_a_millisecond()
    {
        var ledger = new AgentLedger<string>(workers: 1, prefetch: 32);
        var job = Add(ledger, "j", planned: 1);
        Measure(ledger, job, busyMicros: 100);
        ledger.GrantCredits(T0, paused: false);
        Answer(ledger, job, 32);

        var group = Assert.Single(TakeGroups(ledger, 1));

        Assert.Equal(10, group.Batches.Count); // 10 x 100 µs
    }

    [Fact]
    public void Should_hand_5ms_batches_one_per_worker_so_none_waits_behind_a_long_one()
    {
        var ledger = new AgentLedger<string>(workers: 2, prefetch: 8);
        var job = Add(ledger, "j", planned: 2);
        Measure(ledger, job, busyMicros: 5_000);
        ledger.GrantCredits(T0, paused: false);
        var ids = Answer(ledger, job, 8);

        var first = TakeGroups(ledger, 2);
        // The first batch turns out long; the other worker takes the next batch each time it is idle again.
        var ranMeanwhile = new List<BatchGroup<string>>();
        for (var next = first[1]; ; )
        {
            ranMeanwhile.Add(next);
            Ran(ledger, next);
            if (!ledger.TryTakeGroup(1, out next)) break;
        }

        Assert.Equal([1, 1], first.Select(g => g.Batches.Count));
        Assert.Equal(ids[0], Assert.Single(first[0].Batches).BatchId);
        Assert.All(ranMeanwhile, g => Assert.Single(g.Batches));
        Assert.Equal(ids.Skip(1), ranMeanwhile.Select(g => g.Batches[0].BatchId));
    }

    [Fact]
    public void Should_share_the_credits_fairly_between_two_jobs()
    {
        var ledger = new AgentLedger<string>(workers: 3, prefetch: 0);
        var a = Add(ledger, "a", planned: 3);
        var b = Add(ledger, "b", planned: 3);
        var granted = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0 };

        for (var round = 0; round < 2; round++)
        {
            ledger.GrantCredits(T0, paused: false);
            granted["a"] += a.NewCredits;
            granted["b"] += b.NewCredits;
            foreach (var job in new[] { a, b }) Answer(ledger, job, job.NewCredits);
            foreach (var group in TakeGroups(ledger, 3)) Ran(ledger, group);
            ledger.Sent(a);
            ledger.Sent(b);
        }

        // Three credits a round: 2 + 1, then the other job first: 1 + 2.
        Assert.Equal((3, 3), (granted["a"], granted["b"]));
    }

    [Fact]
    public void Should_run_a_job_on_no_more_workers_than_its_plan()
    {
        var ledger = new AgentLedger<string>(workers: 3, prefetch: 2);
        var job = Add(ledger, "j", planned: 1);

        ledger.GrantCredits(T0, paused: false);
        var credits = job.NewCredits;
        ledger.GrantCredits(T0, paused: false);
        var more = job.NewCredits;
        Answer(ledger, job, credits);
        var groups = TakeGroups(ledger, 3);

        Assert.Equal((3, 0), (credits, more)); // its one worker and the prefetch, though the node has room for 5
        Assert.Single(groups);
        Assert.Equal(2, ledger.Queued);
    }

    [Fact]
    public void Should_start_the_first_batch_whose_job_has_a_free_worker_and_keep_the_rest_in_order()
    {
        var ledger = new AgentLedger<string>(workers: 2, prefetch: 2);
        var one = Add(ledger, "one", planned: 1);
        var two = Add(ledger, "two", planned: 2);
        ledger.GrantCredits(T0, paused: false);
        var oneIds = Answer(ledger, one, 2);
        var twoIds = Answer(ledger, two, 2); // queued: one, one, two, two

        var started = TakeGroups(ledger, 2); // the second "one" waits: its job already has its worker
        Ran(ledger, started[0]);
        var next = TakeGroups(ledger, 1);

        Assert.Equal([oneIds[0], twoIds[0], oneIds[1]], started.Concat(next).Select(g => Assert.Single(g.Batches).BatchId));
        Assert.Equal(1, ledger.Queued);
    }

    [Fact]
    public void Should_drop_the_queued_batches_of_a_job_that_ended_and_let_its_running_ones_finish()
    {
        var ledger = new AgentLedger<string>(workers: 1, prefetch: 2);
        var ended = Add(ledger, "ended", planned: 1);
        var other = Add(ledger, "other", planned: 1);
        ledger.GrantCredits(T0, paused: false);
        Answer(ledger, ended, ended.NewCredits);
        var running = Assert.Single(TakeGroups(ledger, 1));

        ledger.Drop("ended");
        var afterDrop = Ran(ledger, running);
        ledger.GrantCredits(T0, paused: false);

        Assert.Null(afterDrop); // nothing of it is sent
        Assert.Equal(0, ledger.Queued);
        Assert.Equal(3, other.Outstanding); // the whole node (1 worker + 2 prefetch) is the other job's now
        var otherIds = Answer(ledger, other, 3);
        Assert.Equal(otherIds[0], Assert.Single(Assert.Single(TakeGroups(ledger, 1)).Batches).BatchId);
    }

    [Fact]
    public void Should_count_the_old_batches_of_a_job_announced_again_while_they_still_run()
    {
        var ledger = new AgentLedger<string>(workers: 2, prefetch: 0);
        var job = Add(ledger, "j", planned: 1);
        ledger.GrantCredits(T0, paused: false);
        Answer(ledger, job, 1);
        var old = Assert.Single(TakeGroups(ledger, 1));
        ledger.Drop("j");

        var again = Add(ledger, "j", planned: 1); // its coordinator restarted elsewhere
        ledger.GrantCredits(T0, paused: false);
        var whileOldRuns = again.NewCredits;
        Ran(ledger, old);
        ledger.GrantCredits(T0, paused: false);

        Assert.Equal(0, whileOldRuns);
        Assert.Single(again.Finished); // the old batch ran for the same job
        Assert.Equal(1, again.NewCredits);
    }

    [Fact]
    public void Should_hand_back_unstarted_batches_and_ask_for_nothing_more_when_leaving()
    {
        var ledger = new AgentLedger<string>(workers: 1, prefetch: 3);
        var a = Add(ledger, "a", planned: 1);
        var b = Add(ledger, "b", planned: 1);
        ledger.GrantCredits(T0, paused: false);
        var aIds = Answer(ledger, a, a.NewCredits);
        var bIds = Answer(ledger, b, b.NewCredits);
        var running = Assert.Single(TakeGroups(ledger, 1));

        var returned = ledger.Leave();
        Ran(ledger, running);
        ledger.GrantCredits(T0, paused: false);

        Assert.Equal([$"a:{aIds[1]}", $"b:{bIds[0]},{bIds[1]}"], returned.Select(r => $"{r.Job.JobId}:{string.Join(",", r.BatchIds)}"));
        Assert.Equal(0, ledger.Queued);
        Assert.Single(a.Finished); // the running batch still counts
        Assert.Equal((0, 0), (a.NewCredits, b.NewCredits));
    }

    [Fact]
    public void Should_ask_a_drained_job_again_only_when_it_is_announced_again()
    {
        var ledger = new AgentLedger<string>(workers: 2, prefetch: 0);
        var job = Add(ledger, "j", planned: 2);
        ledger.GrantCredits(T0, paused: false);

        ledger.NoWork("j", returnedCredits: 2, T0);
        ledger.GrantCredits(T0, paused: false);
        var whileDrained = job.NewCredits;
        ledger.Announced(job);
        ledger.GrantCredits(T0, paused: false);

        Assert.Equal((0, 2), (whileDrained, job.NewCredits));
    }

    [Fact]
    public void Should_ask_for_nothing_while_paused()
    {
        var ledger = new AgentLedger<string>(workers: 2, prefetch: 1);
        var job = Add(ledger, "j", planned: 2);

        ledger.GrantCredits(T0, paused: true);

        Assert.Equal((0, 0), (job.NewCredits, job.Outstanding));
    }

    [Fact]
    public void Should_restate_credits_no_coordinator_answered_after_a_while()
    {
        var ledger = new AgentLedger<string>(workers: 2, prefetch: 0);
        var job = Add(ledger, "j", planned: 2);
        ledger.GrantCredits(T0, paused: false);
        var after = TimeSpan.FromSeconds(3);

        var early = ledger.ResyncDue(job, T0.AddSeconds(2), after);
        var due = ledger.ResyncDue(job, T0.AddSeconds(3), after);
        var again = ledger.ResyncDue(job, T0.AddSeconds(4), after);

        Assert.Equal((false, true, false), (early, due, again));
    }

    [Fact]
    public void Should_share_one_pool_within_a_policy_and_add_up_pools_across_policies()
    {
        var ledger = new AgentLedger<string>(workers: 2, prefetch: 0);
        Add(ledger, "cpu1", planned: 2, "cpu-bound");
        Add(ledger, "cpu2", planned: 2, "cpu-bound");
        Add(ledger, "io", planned: 45, "io-bound");

        var planned = ledger.PlannedWorkers();
        ledger.PinnedWorkers = 3;

        Assert.Equal((47, 3), (planned, ledger.PlannedWorkers()));
    }
}
