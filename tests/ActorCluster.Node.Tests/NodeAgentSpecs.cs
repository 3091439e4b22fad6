using Akka.Actor;
using Akka.TestKit;
using ActorCluster.Core.Agents;
using ActorCluster.Core.Jobs;
using ActorCluster.Node.Agents;
using ActorCluster.Protocol;
using ActorCluster.Node.Tests.Agents;

namespace ActorCluster.Node.Tests;

public sealed class NodeAgentSpecs : Akka.TestKit.Xunit.TestKit
{
    public NodeAgentSpecs() : base(TestConfig.Setup) { }

    private IActorRef Agent(int workers, int prefetch) =>
        Sys.ActorOf(NodeAgent.Props(TestConfig.Registry(new ProbeWorkload(), new HoldWorkload()), new NodeAgentSettings { Workers = workers, Prefetch = prefetch }));

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

        agent.Tell(new WorkBatches("j", [new BatchAssignment(1, 0, 5), new BatchAssignment(2, 5, 5)]), coordinator.Ref);

        var first = coordinator.ExpectMsg<BatchesCompleted>();
        var done = Assert.Single(first.Batches);
        Assert.Equal((1L, 0L, 5L), (done.BatchId, done.Start, done.Count));
        Assert.True(done.BusyMicros >= 90_000, $"busy {done.BusyMicros} µs for 5 x 20 ms");
        Assert.Equal(1, first.Credits); // one freed, one asked, in the same completion
        var second = coordinator.ExpectMsg<BatchesCompleted>();
        Assert.Equal(2L, Assert.Single(second.Batches).BatchId);
        Assert.Equal(1, second.Credits);
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // nothing more than what freed up
    }

    [Fact]
    public void Should_tell_the_coordinator_of_a_throwing_batch_and_keep_working()
    {
        var agent = Agent(workers: 1, prefetch: 0);
        var coordinator = CreateTestProbe();
        agent.Tell(new JobAvailable("j", "probe", ["--items", "100", "--fail-at", "7"], coordinator.Ref));
        coordinator.ExpectMsg<RequestWork>();

        agent.Tell(new WorkBatches("j", [new BatchAssignment(1, 5, 5)]), coordinator.Ref);
        var failed = coordinator.ExpectMsg<BatchFailed>();
        Assert.Equal(1, coordinator.ExpectMsg<RequestWork>().Credits); // no completion to carry the freed credit
        agent.Tell(new WorkBatches("j", [new BatchAssignment(2, 10, 5)]), coordinator.Ref);

        Assert.Equal("InvalidOperationException: item 7 is poisoned", failed.Error);
        Assert.Equal(2L, Assert.Single(coordinator.ExpectMsg<BatchesCompleted>().Batches).BatchId);
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
        var gauge = Guid.NewGuid().ToString("N");
        // Batch 1 runs long enough that it is surely still running when the job ends, even on a loaded machine.
        agent.Tell(new JobAvailable("slow", "hold", ["--name", gauge, "--ms", "3000"], slow.Ref));
        slow.ExpectMsg<RequestWork>();
        agent.Tell(new WorkBatches("slow", [new BatchAssignment(1, 0, 3), new BatchAssignment(2, 3, 3), new BatchAssignment(3, 6, 3)]), slow.Ref);
        // Batch 1 is running (a worker skips a batch whose job ended before it started).
        AwaitCondition(() => HoldWorkload.For(gauge).Running == 1, TimeSpan.FromSeconds(5));

        agent.Tell(new JobEnded("slow", JobPhase.Cancelled));
        agent.Tell(new JobAvailable("other", "probe", ["--items", "100"], other.Ref));

        // The running batch keeps its worker until it returns; the two queued ones are dropped at once.
        Assert.Equal(2, other.ExpectMsg<RequestWork>(TimeSpan.FromSeconds(3)).Credits);
        // Past the resync interval (3 s, as long as batch 1 holds) the agent asks again for what it is owed: not the ask sought here.
        Assert.Equal(1, other.FishForMessage<RequestWork>(r => !r.Resync, TimeSpan.FromSeconds(10)).Credits);
        slow.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // no completion for a cancelled job's batches
    }

    [Fact]
    public void Should_resize_the_pool_at_run_time()
    {
        var agent = Agent(workers: 4, prefetch: 1);

        agent.Tell(new SetWorkerCount(1));
        var state = ExpectMsg<AgentState>();

        Assert.Equal((1, 1), (state.TargetWorkers, state.Workers));
    }

    [Fact]
    public void Should_clamp_a_pool_size_change_to_the_nodes_bounds_whoever_sends_it()
    {
        var agent = Sys.ActorOf(NodeAgent.Props(TestConfig.Registry(), new NodeAgentSettings { Workers = 2, Bounds = new NodeBounds(8, null) }));

        agent.Tell(new SetWorkerCount(int.MaxValue));
        var huge = ExpectMsg<AgentState>();
        agent.Tell(new SetWorkerCount(-3));
        var negative = ExpectMsg<AgentState>();

        Assert.Equal((8, 8), (huge.TargetWorkers, huge.Workers));
        Assert.Equal((1, 1), (negative.TargetWorkers, negative.Workers));
    }

    [Fact]
    public void Should_refuse_a_job_whose_items_each_need_more_memory_than_the_node_may_use()
    {
        var agent = Sys.ActorOf(NodeAgent.Props(TestConfig.Registry(), new NodeAgentSettings { Workers = 1, Bounds = new NodeBounds(8, 64L * 1024 * 1024) }));
        var greedy = CreateTestProbe();
        var modest = CreateTestProbe();

        EventFilter.Warning(contains: "one item needs 128 MB, more than this node's memory limit of 64 MB").ExpectOne(() =>
            agent.Tell(new JobAvailable("greedy", "memhog", ["--items", "1", "--mb-per-item", "128", "--declared-mb", "1"], greedy.Ref)));
        agent.Tell(new JobAvailable("modest", "memhog", ["--items", "1", "--mb-per-item", "32"], modest.Ref));

        modest.ExpectMsg<RequestWork>();
        greedy.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Should_hand_back_queued_batches_and_finish_running_ones_when_leaving()
    {
        var agent = Agent(workers: 1, prefetch: 2);
        var coordinator = CreateTestProbe();
        agent.Tell(new JobAvailable("j", "probe", ["--items", "100", "--ms-per-item", "100"], coordinator.Ref));
        coordinator.ExpectMsg<RequestWork>();
        // Batch 1 starts at once and runs 300 ms; 2 and 3 wait in the agent.
        agent.Tell(new WorkBatches("j", [new BatchAssignment(1, 0, 3), new BatchAssignment(2, 3, 3), new BatchAssignment(3, 6, 3)]), coordinator.Ref);

        agent.Tell(Leave.Instance, TestActor);

        var handedBack = coordinator.ExpectMsg<ReturnBatches>();
        Assert.Equal([2L, 3L], handedBack.BatchIds);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // still running batch 1
        var last = coordinator.ExpectMsg<BatchesCompleted>();
        Assert.Equal(1L, Assert.Single(last.Batches).BatchId);
        Assert.Equal(0, last.Credits); // a leaving node asks for nothing, not even with its last completion
        ExpectMsg<Left>();
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // and it asks for nothing more
    }
}
