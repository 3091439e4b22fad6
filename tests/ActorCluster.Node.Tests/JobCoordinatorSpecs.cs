using Akka.Actor;
using Akka.TestKit;
using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;
using ActorCluster.Node.Jobs;
using ActorCluster.Node.Protocol;
using ActorCluster.Workloads;

namespace ActorCluster.Node.Tests;

public sealed class JobCoordinatorSpecs : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestProbe _directory;
    private readonly WorkloadRegistry _registry = TestConfig.Registry(new ProbeWorkload());

    public JobCoordinatorSpecs() : base(TestConfig.Hocon)
    {
        _directory = CreateTestProbe();
    }

    private IActorRef StartJob(string workload, params string[] args)
    {
        var settings = new CoordinatorSettings
        {
            BatchSizing = new BatchSizingOptions { InitialBatchSize = 10, MaxGrowthFactor = 1, TailFactor = 1 },
            ReannounceInterval = TimeSpan.FromSeconds(30),
        };
        var coordinator = Sys.ActorOf(JobCoordinator.Props("job-1", _registry, _directory.Ref, settings));
        coordinator.Tell(new StartJob("job-1", workload, args), TestActor);
        ExpectMsg<JobAccepted>();
        return coordinator;
    }

    private static List<WorkBatch> ReceiveBatches(TestProbe agent, int count) =>
        Enumerable.Range(0, count).Select(_ => agent.ExpectMsg<WorkBatch>()).ToList();

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

        coordinator.Tell(new BatchCompleted("job-1", batches[0].BatchId, batches[0].Start, batches[0].Count, 1000, BitConverter.GetBytes(batches[0].Count)), agent.Ref);
        agent.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // a completion is not a credit
        coordinator.Tell(new RequestWork("job-1", 1, 2, false), agent.Ref);
        agent.ExpectMsg<WorkBatch>();
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
        var batch = agent.ExpectMsg<WorkBatch>();
        var done = new BatchCompleted("job-1", batch.BatchId, batch.Start, batch.Count, 500, BitConverter.GetBytes(batch.Count));

        coordinator.Tell(done, agent.Ref);
        coordinator.Tell(done, agent.Ref);
        coordinator.Tell(done with { BatchId = 999 }, agent.Ref); // as if re-dispatched and finished again

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

        // Play two agents: run every batch for real, complete it, ask for one more.
        var completedItems = 0L;
        while (completedItems < 512)
        {
            foreach (var agent in agents)
            {
                if (!agent.HasMessages) continue;
                var message = agent.ReceiveOne(TimeSpan.FromSeconds(1));
                if (message is not WorkBatch b) continue;
                var partial = job.Execute(new ItemRange(b.Start, b.Count), CancellationToken.None);
                coordinator.Tell(new BatchCompleted("job-1", b.BatchId, b.Start, b.Count, 100, partial), agent.Ref);
                coordinator.Tell(new RequestWork("job-1", 1, 2, false), agent.Ref);
                completedItems += b.Count;
            }
        }

        var status = StatusOf(coordinator);
        Assert.Equal(JobState.Completed, status.State);
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
        var batches = ReceiveBatches(agent, 2); // 10 + 5 items
        Assert.Equal(3, agent.ExpectMsg<NoWorkNow>().ReturnedCredits);
        foreach (var b in batches)
            coordinator.Tell(new BatchCompleted("job-1", b.BatchId, b.Start, b.Count, 10, BitConverter.GetBytes(b.Count)), agent.Ref);

        Assert.Equal(JobState.Completed, agent.ExpectMsg<JobEnded>().State);
    }

    [Fact]
    public void Should_reject_bad_arguments_with_the_workload_reason()
    {
        var coordinator = Sys.ActorOf(JobCoordinator.Props("job-2", _registry, _directory.Ref, new CoordinatorSettings()));

        coordinator.Tell(new StartJob("job-2", "lfsr", ["--degree", "64"]), TestActor);

        Assert.Equal("lfsr: --degree must be between 2 and 32, got 64", ExpectMsg<JobRejected>().Reason);
    }

    [Fact]
    public void Should_retry_a_failing_batch_then_fail_the_job_naming_the_items()
    {
        var coordinator = StartJob("probe", "--items", "100");
        var agent = CreateTestProbe();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            coordinator.Tell(new RequestWork("job-1", 1, 1, false), agent.Ref);
            var b = agent.ExpectMsg<WorkBatch>();
            Assert.Equal(0, b.Start);
            coordinator.Tell(new BatchFailed("job-1", b.BatchId, b.Start, b.Count, "InvalidOperationException: item 3 is poisoned"), agent.Ref);
        }

        var status = StatusOf(coordinator);
        Assert.Equal(JobState.Failed, status.State);
        Assert.Equal("items [0, 10) failed 3 times; last error: InvalidOperationException: item 3 is poisoned", status.Error);
    }

    [Fact]
    public void Should_stop_handing_out_work_when_cancelled()
    {
        var coordinator = StartJob("probe", "--items", "1000");
        var agent = CreateTestProbe();
        coordinator.Tell(new RequestWork("job-1", 1, 1, false), agent.Ref);
        var b = agent.ExpectMsg<WorkBatch>();
        coordinator.Tell(new BatchCompleted("job-1", b.BatchId, b.Start, b.Count, 10, BitConverter.GetBytes(b.Count)), agent.Ref);

        coordinator.Tell(new CancelJob("job-1"), TestActor);

        var status = ExpectMsg<JobStatus>();
        Assert.Equal(JobState.Cancelled, status.State);
        Assert.Equal(10, status.ItemsCompleted);
        agent.ExpectMsg<JobEnded>(m => Assert.Equal(JobState.Cancelled, m.State));
        coordinator.Tell(new RequestWork("job-1", 4, 1, false), agent.Ref);
        agent.ExpectMsg<JobEnded>();
        agent.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Should_answer_not_found_for_a_job_that_was_never_started()
    {
        var coordinator = Sys.ActorOf(JobCoordinator.Props("nope", _registry, _directory.Ref, new CoordinatorSettings()));

        coordinator.Tell(new GetJobStatus("nope"), TestActor);

        Assert.Equal("nope", ExpectMsg<JobNotFound>().JobId);
    }

    private IActorRef Coordinator(string jobId, int snapshotEvery) =>
        Sys.ActorOf(JobCoordinator.Props(jobId, _registry, _directory.Ref, new CoordinatorSettings
        {
            BatchSizing = new BatchSizingOptions { InitialBatchSize = 10, MaxGrowthFactor = 1, TailFactor = 1 },
            ReannounceInterval = TimeSpan.FromSeconds(30),
            SnapshotEvery = snapshotEvery,
        }));

    [Theory]
    [InlineData(1000)] // events only
    [InlineData(3)]    // a snapshot plus the events after it
    public void Should_recover_the_same_state_from_its_journal_and_finish_without_redoing_work(int snapshotEvery)
    {
        var jobId = $"recover-{snapshotEvery}";
        var first = Coordinator(jobId, snapshotEvery);
        first.Tell(new StartJob(jobId, "lfsr", ["--degree", "10"]), TestActor);
        ExpectMsg<JobAccepted>();
        var job = new LfsrWorkload().Prepare(["--degree", "10"]);
        var agent = CreateTestProbe();
        first.Tell(new RequestWork(jobId, 7, 2, false), agent.Ref);
        var batches = Enumerable.Range(0, 7).Select(_ => agent.ExpectMsg<WorkBatch>()).ToList();
        foreach (var b in batches.Take(5)) // two stay in flight when the coordinator dies
            first.Tell(new BatchCompleted(jobId, b.BatchId, b.Start, b.Count, 2000, job.Execute(new ItemRange(b.Start, b.Count), CancellationToken.None)), agent.Ref);
        first.Tell(new GetJobStatus(jobId), TestActor);
        var before = ExpectMsg<JobStatus>();
        Thread.Sleep(300); // let the asynchronous journal writes land
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);

        var second = Coordinator(jobId, snapshotEvery);
        second.Tell(new GetJobStatus(jobId), TestActor);
        var after = ExpectMsg<JobStatus>();

        Assert.Equal(50, before.ItemsCompleted);
        Assert.Equal((before.ItemsCompleted, before.Batches, JobState.Running), (after.ItemsCompleted, after.Batches, after.State));
        Assert.Equal(before.Nodes.Select(n => (n.Address, n.Batches, n.Items)), after.Nodes.Select(n => (n.Address, n.Batches, n.Items)));
        Assert.Equal(20, after.ItemsExecutedMoreThanOnce); // the two batches in flight at the stop run again

        // The resumed coordinator hands out only what is not done, and the result is still exact.
        var handedOut = new List<WorkBatch>();
        second.Tell(new RequestWork(jobId, 1000, 2, false), agent.Ref);
        while (agent.HasMessages || handedOut.Sum(b => b.Count) < 512 - 50)
        {
            var message = agent.ReceiveOne(TimeSpan.FromSeconds(3));
            if (message is WorkBatch b) handedOut.Add(b);
            else if (message is NoWorkNow or null) break;
        }
        Assert.DoesNotContain(handedOut, b => batches.Take(5).Any(done => done.Start == b.Start));
        foreach (var b in handedOut)
            second.Tell(new BatchCompleted(jobId, b.BatchId, b.Start, b.Count, 2000, job.Execute(new ItemRange(b.Start, b.Count), CancellationToken.None)), agent.Ref);
        second.Tell(new GetJobStatus(jobId), TestActor);
        var final = ExpectMsg<JobStatus>(s => s.State == JobState.Completed);
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
}
