using Akka.Actor;
using Akka.TestKit;
using ActorCluster.Node.Agents;
using ActorCluster.Node.Protocol;

namespace ActorCluster.Node.Tests;

public sealed class NodeAgentSpecs : Akka.TestKit.Xunit2.TestKit
{
    public NodeAgentSpecs() : base(TestConfig.Hocon) { }

    private IActorRef Agent(int workers, int prefetch) =>
        Sys.ActorOf(NodeAgent.Props(TestConfig.Registry(new ProbeWorkload()), new NodeAgentSettings { Workers = workers, Prefetch = prefetch }));

    [Fact]
    public void Should_ask_for_idle_workers_plus_prefetch()
    {
        var agent = Agent(workers: 3, prefetch: 2);
        var coordinator = CreateTestProbe();

        agent.Tell(new JobAvailable("j", "probe", ["--items", "100"], coordinator.Ref));

        var request = coordinator.ExpectMsg<RequestWork>();
        Assert.Equal((5, 3, false), (request.Credits, request.Workers, request.Resync));
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Should_run_batches_and_ask_again_only_as_work_finishes()
    {
        var agent = Agent(workers: 1, prefetch: 1);
        var coordinator = CreateTestProbe();
        agent.Tell(new JobAvailable("j", "probe", ["--items", "100", "--ms-per-item", "20"], coordinator.Ref));
        Assert.Equal(2, coordinator.ExpectMsg<RequestWork>().Credits);

        agent.Tell(new WorkBatch("j", 1, 0, 5), coordinator.Ref);
        agent.Tell(new WorkBatch("j", 2, 5, 5), coordinator.Ref);

        var first = coordinator.ExpectMsg<BatchCompleted>();
        Assert.Equal((1L, 0L, 5L), (first.BatchId, first.Start, first.Count));
        Assert.True(first.BusyMicros >= 90_000, $"busy {first.BusyMicros} µs for 5 x 20 ms");
        Assert.Equal(1, coordinator.ExpectMsg<RequestWork>().Credits); // one freed, one asked
        Assert.Equal(2L, coordinator.ExpectMsg<BatchCompleted>().BatchId);
        Assert.Equal(1, coordinator.ExpectMsg<RequestWork>().Credits);
    }

    [Fact]
    public void Should_report_a_throwing_batch_and_keep_working()
    {
        var agent = Agent(workers: 1, prefetch: 0);
        var coordinator = CreateTestProbe();
        agent.Tell(new JobAvailable("j", "probe", ["--items", "100", "--fail-at", "7"], coordinator.Ref));
        coordinator.ExpectMsg<RequestWork>();

        agent.Tell(new WorkBatch("j", 1, 5, 5), coordinator.Ref);
        var failed = coordinator.ExpectMsg<BatchFailed>();
        coordinator.ExpectMsg<RequestWork>();
        agent.Tell(new WorkBatch("j", 2, 10, 5), coordinator.Ref);

        Assert.Equal("InvalidOperationException: item 7 is poisoned", failed.Error);
        Assert.Equal(2L, coordinator.ExpectMsg<BatchCompleted>().BatchId);
    }

    [Fact]
    public void Should_stop_asking_when_told_there_is_no_work_until_announced_again()
    {
        var agent = Agent(workers: 2, prefetch: 0);
        var coordinator = CreateTestProbe();
        var available = new JobAvailable("j", "probe", ["--items", "100"], coordinator.Ref);
        agent.Tell(available);
        coordinator.ExpectMsg<RequestWork>();

        agent.Tell(new NoWorkNow("j", 2), coordinator.Ref);
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        agent.Tell(available);

        Assert.Equal(2, coordinator.ExpectMsg<RequestWork>().Credits);
    }

    [Fact]
    public void Should_drop_queued_batches_of_an_ended_job_and_serve_other_jobs()
    {
        var agent = Agent(workers: 1, prefetch: 2);
        var slow = CreateTestProbe();
        var other = CreateTestProbe();
        agent.Tell(new JobAvailable("slow", "probe", ["--items", "100", "--ms-per-item", "100"], slow.Ref));
        slow.ExpectMsg<RequestWork>();
        agent.Tell(new WorkBatch("slow", 1, 0, 3), slow.Ref);
        agent.Tell(new WorkBatch("slow", 2, 3, 3), slow.Ref);
        agent.Tell(new WorkBatch("slow", 3, 6, 3), slow.Ref);

        agent.Tell(new JobEnded("slow", JobState.Cancelled));
        agent.Tell(new JobAvailable("other", "probe", ["--items", "100"], other.Ref));

        // The running batch keeps its worker until it returns; the two queued ones are dropped at once.
        Assert.Equal(2, other.ExpectMsg<RequestWork>(TimeSpan.FromSeconds(3)).Credits);
        Assert.Equal(1, other.ExpectMsg<RequestWork>(TimeSpan.FromSeconds(3)).Credits);
        slow.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // no completion for a cancelled job's batches
    }

    [Fact]
    public void Should_resize_the_pool_at_run_time()
    {
        var agent = Agent(workers: 4, prefetch: 1);

        agent.Tell(new NodeAgent.SetWorkerCount(1));
        var state = ExpectMsg<NodeAgent.AgentState>();

        Assert.Equal((1, 1), (state.TargetWorkers, state.Workers));
    }

    [Fact]
    public void Should_hand_back_queued_batches_and_finish_running_ones_when_leaving()
    {
        var agent = Agent(workers: 1, prefetch: 2);
        var coordinator = CreateTestProbe();
        agent.Tell(new JobAvailable("j", "probe", ["--items", "100", "--ms-per-item", "100"], coordinator.Ref));
        coordinator.ExpectMsg<RequestWork>();
        agent.Tell(new WorkBatch("j", 1, 0, 3), coordinator.Ref); // starts at once, runs 300 ms
        agent.Tell(new WorkBatch("j", 2, 3, 3), coordinator.Ref);
        agent.Tell(new WorkBatch("j", 3, 6, 3), coordinator.Ref);

        agent.Tell(NodeAgent.Leave.Instance, TestActor);

        var handedBack = coordinator.ExpectMsg<ReturnBatches>();
        Assert.Equal([2L, 3L], handedBack.BatchIds);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // still running batch 1
        Assert.Equal(1L, coordinator.ExpectMsg<BatchCompleted>().BatchId);
        ExpectMsg<NodeAgent.Left>();
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // and it asks for nothing more
    }
}
