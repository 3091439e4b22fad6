using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit;
using ActorCluster.Core.Jobs;
using ActorCluster.Core.Profiling;
using ActorCluster.Node.Agents;
using ActorCluster.Node.Hosting;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Tests.Agents;

public sealed class NodeAgentProfilerSpecs : TestKit
{
    private const long Mb = 1024 * 1024;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private readonly string _gate = Guid.NewGuid().ToString("N");
    private readonly WorkloadRegistry _registry = new([new GateWorkload()]);

    public NodeAgentProfilerSpecs() : base(ConfigurationFactory.ParseString(ActorClusterHocon.WorkerDispatcher))
    {
    }

    protected override void AfterAll()
    {
        GateWorkload.Open(_gate);
        base.AfterAll();
    }

    private static ResourceSnapshot Machine(int cores, long rssMb) => new()
    {
        LogicalCores = cores,
        AffinityCores = cores,
        TotalMemoryBytes = 64 * 1024 * Mb,
        AvailableMemoryBytes = 60 * 1024 * Mb,
        ProcessRssBytes = rssMb * Mb,
    };

    /// <summary>An agent with a profiler (node memory limit 1000 MB, settle 0) whose snapshots the test tells it.</summary>
    private IActorRef Agent(int cores, int prefetch = 1)
    {
        var settings = SettingsResolver.Resolve(
            new SettingSources(new Dictionary<string, string> { ["memory-limit-mb"] = "1000" }, _ => null, new Dictionary<string, string>()),
            Machine(cores, 100));
        var agent = Sys.ActorOf(NodeAgent.Props(_registry, new NodeAgentSettings
        {
            Workers = cores,
            Prefetch = prefetch,
            Planner = new NodePlanner(settings),
            Pressure = new PressureThresholds(SettleSamples: 0),
        }));
        agent.Tell(new ResourceSampled(Machine(cores, 100)));
        return agent;
    }

    private JobAvailable Job(string id, string kind, int mb, IActorRef coordinator) =>
        new(id, "gate", ["--gate", _gate, "--kind", kind, "--mb", mb.ToString()], coordinator);

    private AgentState State(IActorRef agent)
    {
        agent.Tell(new GetAgentState(), TestActor);
        return ExpectMsg<AgentState>(Wait);
    }

    [Fact]
    public void Should_shrink_the_pool_above_80_percent_memory_and_finish_every_batch_in_flight()
    {
        var coordinator = CreateTestProbe();
        var agent = Agent(cores: 4);
        agent.Tell(Job("j1", "memory", 100, coordinator), coordinator);
        var ask = coordinator.ExpectMsg<RequestWork>(Wait);
        Assert.Equal((5, 4), (ask.Credits, ask.Workers)); // memory-aware: 4 cores, 700 MB headroom fits 7 x 100 MB; + 1 prefetch
        agent.Tell(new WorkBatches("j1", Enumerable.Range(1, 5).Select(b => new BatchAssignment(b, b * 10, 10)).ToArray()), coordinator);
        AwaitAssert(() => Assert.Equal(4, State(agent).Running), Wait);

        agent.Tell(new ResourceSampled(Machine(4, 900))); // 90% of the 1000 MB node limit

        var shrunk = State(agent);
        Assert.Equal(2, shrunk.TargetWorkers); // 200 MB over the 70% mid-line = 2 workers of 100 MB
        Assert.Equal(4, shrunk.Running);      // busy workers keep their batches
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // and nothing more is asked for

        agent.Tell(new ResourceSampled(Machine(4, 650)));
        GateWorkload.Open(_gate);
        var completions = new List<BatchesCompleted>();
        while (completions.Sum(r => r.Batches.Count) < 5)
            completions.Add(coordinator.FishForMessage<BatchesCompleted>(_ => true, Wait));

        Assert.Equal([1L, 2, 3, 4, 5], completions.SelectMany(r => r.Batches).Select(c => c.BatchId).Order());
        var profile = completions.Select(r => r.Profile).Last(p => p is not null)!;
        var resize = Assert.Single(profile.Resizes);
        Assert.Equal(("shrink", 4, 2), (resize.Action, resize.FromWorkers, resize.ToWorkers));
        Assert.Equal("memory-aware", profile.Policy);
        Assert.Equal(900 * Mb, profile.PeakRssBytes);
        AwaitAssert(() => Assert.Equal(2, State(agent).Workers), Wait);
    }

    [Fact]
    public void Should_stop_asking_for_work_above_95_percent_and_ask_again_below_80()
    {
        var coordinator = CreateTestProbe();
        var agent = Agent(cores: 2);
        agent.Tell(new ResourceSampled(Machine(2, 960)));
        AwaitAssert(() => Assert.True(State(agent).Paused), Wait);

        agent.Tell(Job("j2", "cpu", 0, coordinator), coordinator);
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        agent.Tell(new ResourceSampled(Machine(2, 500)));

        var ask = coordinator.ExpectMsg<RequestWork>(Wait);
        Assert.False(State(agent).Paused);
        // 96% also halved the pool to 1. The drop to 50% counts as what that worker freed (460 MB), so growing
        // back to 2 would cross 80% again: the pool stays at 1.
        Assert.Equal(1, ask.Workers);
    }

    [Fact]
    public void Should_give_two_jobs_of_different_kinds_their_own_pools_on_one_node()
    {
        var cpuCoordinator = CreateTestProbe();
        var ioCoordinator = CreateTestProbe();
        var agent = Agent(cores: 2, prefetch: 0);

        agent.Tell(Job("cpu", "cpu", 0, cpuCoordinator), cpuCoordinator);
        agent.Tell(Job("io", "io", 0, ioCoordinator), ioCoordinator);

        var state = State(agent);
        var cpu = state.Jobs.Single(j => j.JobId == "cpu");
        var io = state.Jobs.Single(j => j.JobId == "io");
        Assert.Equal(("cpu-bound", 2), (cpu.Policy, cpu.Limit));
        Assert.Equal(("io-bound", 45), (io.Policy, io.Limit));
        Assert.Equal(47, state.TargetWorkers);
        Assert.Equal(2, cpuCoordinator.ExpectMsg<RequestWork>(Wait).Credits); // never more than its own pool, though 47 workers exist
        var ioCredits = ioCoordinator.ReceiveWhile(TimeSpan.FromSeconds(1), m => m as RequestWork).Sum(r => r!.Credits);
        Assert.Equal(45, ioCredits);
    }

    [Fact]
    public void Should_share_one_pool_between_two_jobs_of_the_same_kind()
    {
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        var agent = Agent(cores: 2, prefetch: 0);

        agent.Tell(Job("a", "cpu", 0, a), a);
        agent.Tell(Job("b", "cpu", 0, b), b);

        Assert.Equal(2, State(agent).TargetWorkers);
    }

    [Fact]
    public void Should_sample_resources_every_interval_and_tell_the_subscriber()
    {
        var samples = 0;
        Sys.ActorOf(ResourceSampler.Props(TestActor, () => Machine(1, Interlocked.Increment(ref samples)), TimeSpan.FromMilliseconds(100)));

        var first = ExpectMsg<ResourceSampled>(Wait);
        var second = ExpectMsg<ResourceSampled>(Wait);

        Assert.True(second.Snapshot.ProcessRssBytes > first.Snapshot.ProcessRssBytes);
    }

    [Fact]
    public void Should_keep_sampling_after_a_failed_sample()
    {
        var calls = 0;
        Sys.ActorOf(ResourceSampler.Props(TestActor,
            () => Interlocked.Increment(ref calls) == 1 ? throw new IOException("cgroup file vanished") : Machine(1, 1),
            TimeSpan.FromMilliseconds(100)));

        ExpectMsg<ResourceSampled>(Wait);
    }
}
