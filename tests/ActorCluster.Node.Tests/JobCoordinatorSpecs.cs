using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;
using ActorCluster.Node.Jobs;
using ActorCluster.Protocol;
using ActorCluster.Workloads;

namespace ActorCluster.Node.Tests;

public sealed class JobCoordinatorSpecs : Akka.TestKit.Xunit.TestKit
{
    private readonly TestProbe _directory;
    private readonly WorkloadRegistry _registry = TestConfig.Registry(new ProbeWorkload());

    public JobCoordinatorSpecs() : base(TestConfig.Setup)
    {
        _directory = CreateTestProbe();
    }

    private static readonly CoordinatorSettings Settings = new()
    {
        BatchSizing = new BatchSizingOptions { InitialBatchSize = 10, MaxGrowthFactor = 1, TailFactor = 1 },
        ReannounceInterval = TimeSpan.FromSeconds(30),
    };

    /// <summary>Coordinators as sharding would run them (one per job id, passivated through the parent), without sharding.</summary>
    private IActorRef Jobs(CoordinatorSettings? settings = null) =>
        Sys.ActorOf(GenericChildPerEntityParent.Props(new JobMessageExtractor(), id => JobCoordinator.Props(id, _registry, _directory.Ref, settings ?? Settings)));

    /// <summary>Starts job-1 and returns its coordinator (the sender of <see cref="JobAccepted"/>).</summary>
    private IActorRef StartJob(string workload, params string[] args) => StartJob(Settings, workload, args);

    private IActorRef StartJob(CoordinatorSettings settings, string workload, params string[] args)
    {
        Jobs(settings).Tell(new StartJob("job-1", workload, args), TestActor);
        ExpectMsg<JobAccepted>(TimeSpan.FromSeconds(10)); // the journal's first write can be slow on a busy machine
        return LastSender;
    }

    /// <summary>The batches handed to an agent, from as many <see cref="WorkBatches"/> as it takes to get <paramref name="count"/>.</summary>
    private static List<BatchAssignment> ReceiveBatches(TestProbe agent, int count)
    {
        var batches = new List<BatchAssignment>();
        while (batches.Count < count)
            batches.AddRange(agent.ExpectMsg<WorkBatches>().Batches);
        Assert.Equal(count, batches.Count);
        return batches;
    }

    /// <summary>An agent's completion message: these batches ran (the probe workload's partial: the item count).</summary>
    private static BatchesCompleted Completion(string jobId, IEnumerable<BatchAssignment> batches, int credits, long busyMicros = 1000) =>
        new(jobId, batches.Select(b => Ran(b, busyMicros)).ToArray(), credits, 2);

    private static CompletedBatch Ran(BatchAssignment b, long busyMicros = 1000) =>
        new(b.BatchId, b.Start, b.Count, busyMicros, BitConverter.GetBytes(b.Count));

    /// <summary>An lfsr completion: the batches' real partial results.</summary>
    private static BatchesCompleted Completion(string jobId, IEnumerable<BatchAssignment> batches, int credits, IWorkloadJob job) =>
        new(jobId, batches.Select(b => new CompletedBatch(b.BatchId, b.Start, b.Count, 2000, job.Execute(new ItemRange(b.Start, b.Count), CancellationToken.None).Partial)).ToArray(), credits, 2);

    private static void AssertDisjoint(IEnumerable<BatchAssignment> batches)
    {
        var ordered = batches.OrderBy(b => b.Start).ToList();
        for (var i = 1; i < ordered.Count; i++)
            Assert.True(ordered[i - 1].Start + ordered[i - 1].Count <= ordered[i].Start, $"{ordered[i - 1]} overlaps {ordered[i]}");
        Assert.Equal(ordered.Count, ordered.Select(b => b.BatchId).Distinct().Count());
    }

    private JobStatus StatusOf(IActorRef coordinator)
    {
        coordinator.Tell(new GetJobStatus("job-1"), TestActor);
        return ExpectMsg<JobStatus>();
    }

    [Fact]
    public void Should_announce_the_job_and_watch_worker_nodes()
    {
        var coordinator = StartJob("probe", "--items", "100");

        _directory.ExpectMsg<WatchWorkerNodes>(m => Assert.Equal(coordinator, m.Subscriber));
        var announce = _directory.ExpectMsg<AnnounceToAgents>();
        var available = Assert.IsType<JobAvailable>(announce.Message);
        Assert.Equal(("job-1", "probe", coordinator), (available.JobId, available.Workload, available.Coordinator));
    }

    [Fact]
    public void Should_never_have_more_in_flight_to_an_agent_than_its_credits()
    {
        var coordinator = StartJob("probe", "--items", "1000");
        var agent = CreateTestProbe();

        coordinator.Tell(new RequestWork("job-1", 3, 2, false), agent.Ref);
        var batches = ReceiveBatches(agent, 3);
        agent.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        coordinator.Tell(Completion("job-1", [batches[0]], credits: 0), agent.Ref);
        agent.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // a completion is not a credit
        coordinator.Tell(new RequestWork("job-1", 1, 2, false), agent.Ref);
        Assert.Single(agent.ExpectMsg<WorkBatches>().Batches);
        agent.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        coordinator.Tell(Completion("job-1", [batches[1]], credits: 1), agent.Ref); // credits riding on a completion count the same
        Assert.Single(agent.ExpectMsg<WorkBatches>().Batches);
        agent.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Should_reissue_the_batches_of_a_terminated_agent()
    {
        var coordinator = StartJob("probe", "--items", "1000");
        var doomed = CreateTestProbe();
        coordinator.Tell(new RequestWork("job-1", 2, 1, false), doomed.Ref);
        var lost = ReceiveBatches(doomed, 2).Select(b => (b.Start, b.Count)).ToHashSet();

        Watch(doomed.Ref);
        Sys.Stop(doomed.Ref);
        ExpectTerminated(doomed.Ref);
        var survivor = CreateTestProbe();

        // The coordinator learns of the death asynchronously; keep asking until the lost ranges come back.
        var received = new HashSet<(long, long)>();
        for (var round = 0; round < 10 && !lost.IsSubsetOf(received); round++)
        {
            coordinator.Tell(new RequestWork("job-1", 2, 1, false), survivor.Ref);
            foreach (var b in ReceiveBatches(survivor, 2)) received.Add((b.Start, b.Count));
            if (!lost.IsSubsetOf(received)) Thread.Sleep(50);
        }
        Assert.Superset(lost, received);
    }

    [Fact]
    public void Should_reissue_the_batches_of_a_node_that_became_unreachable()
    {
        var coordinator = StartJob("probe", "--items", "1000");
        var agent = CreateTestProbe();
        coordinator.Tell(new RequestWork("job-1", 2, 1, false), agent.Ref);
        var lost = ReceiveBatches(agent, 2).Select(b => (b.Start, b.Count)).ToHashSet();

        var node = ((ExtendedActorSystem)Sys).Provider.DefaultAddress;
        coordinator.Tell(new WorkerNodeLost(node, "unreachable"));
        var other = CreateTestProbe();
        coordinator.Tell(new RequestWork("job-1", 2, 1, false), other.Ref);

        Assert.Equal(lost, ReceiveBatches(other, 2).Select(b => (b.Start, b.Count)).ToHashSet());
    }

    [Fact]
    public void Should_count_a_duplicate_completion_once()
    {
        var coordinator = StartJob("probe", "--items", "1000");
        var agent = CreateTestProbe();
        coordinator.Tell(new RequestWork("job-1", 1, 1, false), agent.Ref);
        var batch = Assert.Single(agent.ExpectMsg<WorkBatches>().Batches);
        var done = Completion("job-1", [batch], credits: 0, busyMicros: 500);

        coordinator.Tell(done, agent.Ref);
        coordinator.Tell(done, agent.Ref);
        coordinator.Tell(done with { Batches = [done.Batches[0] with { BatchId = 999 }] }, agent.Ref); // as if re-dispatched and finished again

        var status = StatusOf(coordinator);
        Assert.Equal(batch.Count, status.ItemsCompleted);
        Assert.Equal(1, status.Batches);
        Assert.Equal(2 * batch.Count, status.ItemsExecutedMoreThanOnce);
    }

    [Fact]
    public void Should_complete_with_exactly_the_items_total_and_the_merged_result()
    {
        var coordinator = StartJob("lfsr", "--degree", "10");
        var agents = new[] { CreateTestProbe(), CreateTestProbe() };
        var job = new LfsrWorkload().Prepare(["--degree", "10"]);
        foreach (var a in agents) coordinator.Tell(new RequestWork("job-1", 2, 2, false), a.Ref);

        // Play two agents: run every batch for real, complete them together with as many credits as they freed.
        var completedItems = 0L;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (completedItems < 512 && DateTime.UtcNow < deadline)
        {
            foreach (var agent in agents)
            {
                if (!agent.HasMessages) continue;
                var message = agent.ReceiveOne(TimeSpan.FromSeconds(1));
                if (message is not WorkBatches work) continue;
                coordinator.Tell(Completion("job-1", work.Batches, credits: work.Batches.Count, job), agent.Ref);
                completedItems += work.Batches.Sum(b => b.Count);
            }
        }

        var status = StatusOf(coordinator);
        Assert.Equal(JobPhase.Completed, status.State);
        Assert.Equal(512, status.ItemsCompleted);
        Assert.Equal(512, status.Nodes.Sum(n => n.Items));
        Assert.Contains("\"maximalCount\":60", status.ResultJson); // phi(1023) / 10
    }

    [Fact]
    public void Should_take_back_credits_it_cannot_use_and_end_the_job_for_its_agents()
    {
        var coordinator = StartJob("probe", "--items", "15");
        var agent = CreateTestProbe();

        coordinator.Tell(new RequestWork("job-1", 5, 1, false), agent.Ref);
        var batches = agent.ExpectMsg<WorkBatches>().Batches; // 10 + 5 items, in one message
        Assert.Equal([10L, 5L], batches.Select(b => b.Count));
        Assert.Equal(3, agent.ExpectMsg<NoWorkNow>().ReturnedCredits);
        coordinator.Tell(Completion("job-1", batches, credits: 2, busyMicros: 10), agent.Ref);

        Assert.Equal(JobPhase.Completed, agent.ExpectMsg<JobEnded>().State);
    }

    [Fact]
    public void Should_reject_bad_arguments_with_the_workload_reason()
    {
        var jobs = Jobs();

        jobs.Tell(new StartJob("job-2", "lfsr", ["--degree", "64"]), TestActor);

        Assert.Equal("lfsr: --degree must be between 2 and 32, got 64", ExpectMsg<JobRejected>().Reason);
    }

    [Fact]
    public void Should_keep_each_first_completion_with_its_worker_lane_and_each_failure_and_worker_count_in_the_timeline()
    {
        var coordinator = StartJob("probe", "--items", "100");
        var agent = CreateTestProbe();
        coordinator.Tell(new RequestWork("job-1", 3, 3, false), agent.Ref);
        var batches = ReceiveBatches(agent, 3);
        const long t0 = 1_764_000_000_000_000;

        coordinator.Tell(new BatchFailed("job-1", batches[0].BatchId, batches[0].Start, batches[0].Count, "InvalidOperationException: <poisoned>"), agent.Ref);
        var done = new BatchesCompleted("job-1", [Ran(batches[1], 700) with { Worker = 2, StartedAtMicros = t0 }, Ran(batches[2], 900) with { Worker = 0, StartedAtMicros = t0 + 50 }], 0, 3);
        coordinator.Tell(done, agent.Ref);
        coordinator.Tell(done, agent.Ref); // a duplicate is no second bar
        coordinator.Tell(new RequestWork("job-1", 1, 2, false), agent.Ref); // the pool shrank to two workers
        coordinator.Tell(new GetJobTimeline("job-1"), TestActor);
        var timeline = ExpectMsg<JobTimelineReply>().Timeline;

        var node = Assert.Single(timeline.Nodes);
        Assert.Equal([new TimelineBatch(0, 2, t0, t0 + 700, batches[1].Start, batches[1].Count), new TimelineBatch(0, 0, t0 + 50, t0 + 950, batches[2].Start, batches[2].Count)],
            timeline.Batches);
        Assert.Equal((2L, batches[1].Count + batches[2].Count), (timeline.BatchesTotal, timeline.ItemsTotal));
        var failure = Assert.Single(timeline.Failures);
        Assert.Equal((batches[0].Start, batches[0].Count, "InvalidOperationException: <poisoned>", true), (failure.FirstItem, failure.Items, failure.Error, failure.WillRetry));
        Assert.Equal([3, 2], timeline.Workers.Select(w => w.Workers));
        Assert.Equal(StatusOf(coordinator).Nodes.Single().Address, node);
    }

    [Fact]
    public void Should_retry_a_failing_batch_then_fail_the_job_naming_the_items()
    {
        var coordinator = StartJob("probe", "--items", "100");
        var agent = CreateTestProbe();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            coordinator.Tell(new RequestWork("job-1", 1, 1, false), agent.Ref);
            var b = Assert.Single(agent.ExpectMsg<WorkBatches>().Batches);
            Assert.Equal(0, b.Start);
            coordinator.Tell(new BatchFailed("job-1", b.BatchId, b.Start, b.Count, "InvalidOperationException: item 3 is poisoned"), agent.Ref);
        }

        var status = StatusOf(coordinator);
        Assert.Equal(JobPhase.Failed, status.State);
        Assert.Equal("items [0, 10) failed 3 times; last error: InvalidOperationException: item 3 is poisoned", status.Error);
    }

    [Fact]
    public void Should_stop_handing_out_work_when_cancelled()
    {
        var coordinator = StartJob("probe", "--items", "1000");
        var agent = CreateTestProbe();
        coordinator.Tell(new RequestWork("job-1", 1, 1, false), agent.Ref);
        var b = Assert.Single(agent.ExpectMsg<WorkBatches>().Batches);
        coordinator.Tell(Completion("job-1", [b], credits: 0, busyMicros: 10), agent.Ref);

        coordinator.Tell(new CancelJob("job-1"), TestActor);

        var status = ExpectMsg<JobStatus>();
        Assert.Equal(JobPhase.Cancelled, status.State);
        Assert.Equal(10, status.ItemsCompleted);
        agent.ExpectMsg<JobEnded>(m => Assert.Equal(JobPhase.Cancelled, m.State));
        coordinator.Tell(new RequestWork("job-1", 4, 1, false), agent.Ref);
        agent.ExpectMsg<JobEnded>();
        agent.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Should_answer_not_found_for_a_job_that_was_never_started()
    {
        var jobs = Jobs();

        jobs.Tell(new GetJobStatus("nope"), TestActor);

        Assert.Equal("nope", ExpectMsg<JobNotFound>().JobId);
    }

    /// <summary>A parent of coordinators: stopping it stops the job's coordinator, the next one recovers the job from the journal.</summary>
    private IActorRef Coordinator(int snapshotEvery) => Jobs(Settings with { SnapshotEvery = snapshotEvery });

    [Theory]
    [InlineData(1000, 1)] // events only, one batch per completion
    [InlineData(3, 1)]    // a snapshot after three events plus the two events after it
    [InlineData(1000, 2)] // events of two ranges (and one of one)
    [InlineData(1000, 5)] // one event of five ranges
    [InlineData(2, 2)]    // a snapshot after two events (4 counted batches), then an event
    public void Should_recover_the_same_state_from_its_journal_and_finish_without_redoing_work(int snapshotEvery, int batchesPerCompletion)
    {
        var jobId = $"recover-{snapshotEvery}-{batchesPerCompletion}";
        var first = Coordinator(snapshotEvery);
        first.Tell(new StartJob(jobId, "lfsr", ["--degree", "10"]), TestActor);
        ExpectMsg<JobAccepted>(TimeSpan.FromSeconds(10)); // the journal's first write can be slow on a busy machine
        var job = new LfsrWorkload().Prepare(["--degree", "10"]);
        var agent = CreateTestProbe();
        first.Tell(new RequestWork(jobId, 7, 2, false), agent.Ref);
        var batches = agent.ExpectMsg<WorkBatches>().Batches; // seven credits, one message
        Assert.Equal(7, batches.Count);
        foreach (var completed in batches.Take(5).Chunk(batchesPerCompletion)) // two stay in flight when the coordinator dies
            first.Tell(Completion(jobId, completed, credits: 0, job), agent.Ref);
        first.Tell(new GetJobStatus(jobId), TestActor);
        var before = ExpectMsg<JobStatus>();
        Thread.Sleep(300); // let the asynchronous journal writes land
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);
        if (snapshotEvery > 5)
        {
            // No snapshot yet: the journal holds the job's start and one event per completion, with its ranges.
            var counted = ReadJournal(JobCoordinator.PersistenceIdPrefix + jobId).OfType<BatchesCounted>().ToList();
            Assert.Equal(batches.Take(5).Chunk(batchesPerCompletion).Select(r => string.Join(" ", r.Select(b => $"[{b.Start},+{b.Count})"))),
                counted.Select(e => string.Join(" ", e.Ranges.Select(r => $"[{r.Start},+{r.Count})"))));
        }

        var second = Coordinator(snapshotEvery);
        second.Tell(new GetJobStatus(jobId), TestActor);
        var after = ExpectMsg<JobStatus>();

        Assert.Equal(50, before.ItemsCompleted);
        Assert.Equal((before.ItemsCompleted, before.Batches, JobPhase.Running), (after.ItemsCompleted, after.Batches, after.State));
        Assert.Equal(before.Nodes.Select(n => (n.Address, n.Batches, n.Items)), after.Nodes.Select(n => (n.Address, n.Batches, n.Items)));
        Assert.Equal(20, after.ItemsExecutedMoreThanOnce); // the two batches in flight at the stop run again

        // The resumed coordinator hands out only what is not done, and the result is still exact.
        var handedOut = new List<BatchAssignment>();
        second.Tell(new RequestWork(jobId, 1000, 2, false), agent.Ref);
        while (agent.HasMessages || handedOut.Sum(b => b.Count) < 512 - 50)
        {
            var message = agent.ReceiveOne(TimeSpan.FromSeconds(3));
            if (message is WorkBatches work) handedOut.AddRange(work.Batches);
            else if (message is NoWorkNow or null) break;
        }
        Assert.DoesNotContain(handedOut, b => batches.Take(5).Any(done => done.Start == b.Start));
        foreach (var completed in handedOut.Chunk(batchesPerCompletion))
            second.Tell(Completion(jobId, completed, credits: 0, job), agent.Ref);
        second.Tell(new GetJobStatus(jobId), TestActor);
        var final = ExpectMsg<JobStatus>(s => s.State == JobPhase.Completed);
        Assert.Equal(512, final.ItemsCompleted);
        Assert.Contains("\"maximalCount\":60", final.ResultJson);
    }

    [Fact]
    public void Should_hand_batches_returned_by_a_leaving_node_to_another()
    {
        var coordinator = StartJob("probe", "--items", "1000");
        var leaving = CreateTestProbe();
        var staying = CreateTestProbe();
        coordinator.Tell(new RequestWork("job-1", 3, 1, false), leaving.Ref);
        var held = ReceiveBatches(leaving, 3);

        coordinator.Tell(new ReturnBatches("job-1", [held[1].BatchId, held[2].BatchId]), leaving.Ref);
        coordinator.Tell(new RequestWork("job-1", 2, 1, false), staying.Ref);

        Assert.Equal(new[] { held[1].Start, held[2].Start }.ToHashSet(), ReceiveBatches(staying, 2).Select(b => b.Start).ToHashSet());
        leaving.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Should_hand_all_the_batches_an_agents_credits_buy_in_one_message()
    {
        var coordinator = StartJob("probe", "--items", "1000");
        var agent = CreateTestProbe();

        coordinator.Tell(new RequestWork("job-1", 5, 2, false), agent.Ref);

        var work = agent.ExpectMsg<WorkBatches>();
        Assert.Equal("job-1", work.JobId);
        Assert.Equal(5, work.Batches.Count);
        AssertDisjoint(work.Batches);
        agent.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Should_count_every_batch_of_a_completion_once_and_answer_its_credits()
    {
        var coordinator = StartJob("probe", "--items", "100");
        var agent = CreateTestProbe();
        coordinator.Tell(new RequestWork("job-1", 4, 2, false), agent.Ref);
        var first = agent.ExpectMsg<WorkBatches>().Batches;
        Assert.Equal(4, first.Count);

        // A batch twice in one completion, then a batch already completed in the next one.
        coordinator.Tell(new BatchesCompleted("job-1", [Ran(first[0]), Ran(first[1]), Ran(first[0])], 2, 2), agent.Ref);
        var answer = agent.ExpectMsg<WorkBatches>(); // the two credits, answered in one message
        Assert.Equal(2, answer.Batches.Count);
        coordinator.Tell(new BatchesCompleted("job-1", [Ran(first[1]), Ran(first[2]), Ran(first[3])], 0, 2), agent.Ref);

        var status = StatusOf(coordinator);
        Assert.Equal(40, status.ItemsCompleted);
        Assert.Equal(4, status.Batches);
        Assert.Equal(20, status.ItemsExecutedMoreThanOnce); // the two duplicates, 10 items each
        var node = Assert.Single(status.Nodes);
        Assert.Equal((4L, 40L), (node.Batches, node.Items));

        // Play on: every completion carries its batches' credits, until the job completes.
        var handedOut = first.Concat(answer.Batches).ToList();
        var pending = answer.Batches.ToList();
        while (pending.Count > 0)
        {
            coordinator.Tell(Completion("job-1", pending, credits: pending.Count), agent.Ref);
            var next = agent.ReceiveOne(TimeSpan.FromSeconds(3));
            pending = next is WorkBatches more ? more.Batches.ToList() : [];
            handedOut.AddRange(pending);
            if (next is NoWorkNow) Assert.IsType<JobEnded>(agent.ReceiveOne(TimeSpan.FromSeconds(3)));
            else if (next is not WorkBatches) Assert.IsType<JobEnded>(next);
        }

        AssertDisjoint(handedOut);
        Assert.Equal(100, handedOut.Sum(b => b.Count));
        var final = StatusOf(coordinator);
        Assert.Equal((JobPhase.Completed, 100L, 20L), (final.State, final.ItemsCompleted, final.ItemsExecutedMoreThanOnce));
        Assert.Equal(handedOut.Count, final.Batches);
        Assert.Contains("\"items\":100", final.ResultJson); // every partial added once
    }

    [Fact]
    public void Should_tell_an_agent_whose_late_completion_asks_for_more_that_the_job_ended()
    {
        var coordinator = StartJob("probe", "--items", "1000");
        var agent = CreateTestProbe();
        coordinator.Tell(new RequestWork("job-1", 2, 1, false), agent.Ref);
        var batches = ReceiveBatches(agent, 2);
        coordinator.Tell(new CancelJob("job-1"), TestActor);
        ExpectMsg<JobStatus>();
        agent.ExpectMsg<JobEnded>();

        coordinator.Tell(Completion("job-1", [batches[0]], credits: 0), agent.Ref);
        agent.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // nothing asked, nothing to answer
        coordinator.Tell(Completion("job-1", [batches[1]], credits: 2), agent.Ref);

        Assert.Equal(JobPhase.Cancelled, agent.ExpectMsg<JobEnded>().State);
        Assert.Equal(0, StatusOf(coordinator).ItemsCompleted); // and a late completion is not counted
    }

    [Fact]
    public void Should_stop_through_its_parent_after_answering_about_a_job_it_never_started()
    {
        Jobs().Tell(new GetJobStatus("nope"), TestActor);
        ExpectMsg<JobNotFound>();
        var coordinator = LastSender;

        Watch(coordinator);

        ExpectTerminated(coordinator);
    }

    [Fact]
    public void Should_wait_while_no_worker_node_is_up_and_fail_once_every_one_up_would_refuse_the_jobs_memory()
    {
        const long mb = 1024 * 1024;
        var coordinator = StartJob("memhog", "--items", "4", "--mb-per-item", "128", "--declared-mb", "1");
        var watcher = CreateTestProbe();
        coordinator.Tell(new WatchJob("job-1"), watcher.Ref);
        watcher.ExpectMsg<JobStatus>();

        // No worker node up yet: the job waits, as any job does.
        _directory.FishForMessage<GetWorkerMemoryLimits>(_ => true);
        coordinator.Tell(new WorkerMemoryLimits([]), _directory.Ref);
        Assert.Equal(JobPhase.Running, StatusOf(coordinator).State);

        // The first worker node up would refuse it: the job fails rather than wait for a larger one.
        var node = new Address("akka.tcp", "actorcluster", "10.0.0.5", 4053);
        coordinator.Tell(new WorkerNodeUp(node), _directory.Ref);
        Assert.Equal(node, _directory.FishForMessage<AnnounceToAgents>(m => m.Message is JobAvailable).OnlyTo);
        _directory.FishForMessage<GetWorkerMemoryLimits>(_ => true);
        coordinator.Tell(new WorkerMemoryLimits([64 * mb]), _directory.Ref);

        var final = watcher.FishForMessage<JobStatus>(s => s.State != JobPhase.Running);
        Assert.Equal(JobPhase.Failed, final.State);
        Assert.Equal("no worker node can run it: one item needs 128 MB, more than the memory limit of the worker node that is up (64 MB)", final.Error);
    }

    [Fact]
    public void Should_keep_running_a_job_that_one_worker_node_up_takes()
    {
        const long mb = 1024 * 1024;
        var coordinator = StartJob("memhog", "--items", "4", "--mb-per-item", "128", "--declared-mb", "1");

        _directory.FishForMessage<GetWorkerMemoryLimits>(_ => true);
        coordinator.Tell(new WorkerMemoryLimits([64 * mb, 256 * mb]), _directory.Ref);

        Assert.Equal(JobPhase.Running, StatusOf(coordinator).State);
    }

    [Fact]
    public void Should_tell_every_agent_once_that_the_job_ended()
    {
        var coordinator = StartJob("probe", "--items", "1000");
        var agent = CreateTestProbe();
        coordinator.Tell(new RequestWork("job-1", 1, 1, false), agent.Ref);
        agent.ExpectMsg<WorkBatches>();

        coordinator.Tell(new CancelJob("job-1"), TestActor);
        ExpectMsg<JobStatus>();

        agent.ExpectMsg<JobEnded>();
        var announced = _directory.FishForMessage<AnnounceToAgents>(m => m.Message is JobEnded);
        // The directory passes the job's end on to every other worker node, not to the agent's own.
        Assert.Equal([((ExtendedActorSystem)Sys).Provider.DefaultAddress], announced.Except!);
        agent.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Should_show_in_its_status_the_arguments_the_job_was_started_with()
    {
        var coordinator = StartJob("probe", "--items", "100", "--ms-per-item", "0");

        Assert.Equal(["--items", "100", "--ms-per-item", "0"], StatusOf(coordinator).Args);
    }

    [Fact]
    public void Should_push_progress_to_a_watcher_while_it_changes_and_the_final_status_at_once()
    {
        var coordinator = StartJob(Settings with { ProgressInterval = TimeSpan.FromMilliseconds(100) }, "probe", "--items", "1000");
        var watcher = CreateTestProbe();
        var agent = CreateTestProbe();

        coordinator.Tell(new WatchJob("job-1"), watcher.Ref);
        var first = watcher.ExpectMsg<JobStatus>(TimeSpan.FromSeconds(1));
        Assert.Equal((JobPhase.Running, 0L), (first.State, first.ItemsCompleted));
        watcher.ExpectNoMsg(TimeSpan.FromMilliseconds(400)); // nothing changed, nothing sent
        coordinator.Tell(new RequestWork("job-1", 1, 1, false), agent.Ref);
        coordinator.Tell(Completion("job-1", agent.ExpectMsg<WorkBatches>().Batches, credits: 0), agent.Ref);
        watcher.FishForMessage<JobStatus>(s => s.ItemsCompleted == 10, TimeSpan.FromSeconds(1)); // after one with the agent active
        watcher.ExpectNoMsg(TimeSpan.FromMilliseconds(400));
        coordinator.Tell(new CancelJob("job-1"), TestActor);

        Assert.Equal(JobPhase.Cancelled, watcher.ExpectMsg<JobStatus>(TimeSpan.FromMilliseconds(500)).State);
        watcher.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        coordinator.Tell(new WatchJob("job-1"), watcher.Ref); // a watch of an ended job: its final status
        var final = watcher.ExpectMsg<JobStatus>();
        Assert.Equal((JobPhase.Cancelled, 10L), (final.State, final.ItemsCompleted));
    }

    [Fact]
    public void Should_hand_an_agent_no_batch_larger_than_its_nodes_chunk_size()
    {
        var coordinator = StartJob(Settings with { BatchSizing = Settings.BatchSizing with { InitialBatchSize = 50 } }, "probe", "--items", "1000");
        var agent = CreateTestProbe();

        coordinator.Tell(new RequestWork("job-1", 3, 1, false, MaxBatchItems: 6), agent.Ref);
        var asked = agent.ExpectMsg<WorkBatches>().Batches;
        coordinator.Tell(Completion("job-1", asked, credits: 3) with { MaxBatchItems = 6 }, agent.Ref);
        var afterCompletion = agent.ExpectMsg<WorkBatches>().Batches;

        Assert.All(asked.Concat(afterCompletion), b => Assert.InRange(b.Count, 1, 6));
        Assert.Equal(6, afterCompletion.Count + asked.Count);
    }

    /// <summary>Every event in a job's journal, read by a throw-away persistent actor with the job's persistence id.</summary>
    private List<object> ReadJournal(string persistenceId)
    {
        Sys.ActorOf(Props.Create(() => new JournalReader(persistenceId, TestActor)));
        return ExpectMsg<JournalReader.Read>().Events.ToList();
    }

    private sealed class JournalReader : ReceivePersistentActor
    {
        public sealed record Read(IReadOnlyList<object> Events) : INoSerializationVerificationNeeded;

        public override string PersistenceId { get; }

        public JournalReader(string persistenceId, IActorRef replyTo)
        {
            PersistenceId = persistenceId;
            var events = new List<object>();
            Recover<RecoveryCompleted>(_ =>
            {
                replyTo.Tell(new Read(events));
                Context.Stop(Self);
            });
            Recover<SnapshotOffer>(offer => events.Add(offer.Snapshot));
            RecoverAny(events.Add);
        }
    }
}
