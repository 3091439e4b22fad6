using Akka.Actor;
using Akka.TestKit;
using ActorCluster.Node.Agents;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Tests.Agents;

/// <summary>
/// How an agent batches its side of the protocol: completions that come in together go out in one message
/// with the credits they freed, and short batches run in groups on a worker while long ones go one per worker.
/// A probe plays the job's coordinator and checks every message it gets.
/// </summary>
public sealed class NodeAgentBatchingSpecs : Akka.TestKit.Xunit.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly List<HoldWorkload.Gauge> _gauges = [];

    public NodeAgentBatchingSpecs() : base(TestConfig.Setup) { }

    protected override void AfterAll()
    {
        foreach (var gauge in _gauges) gauge.OpenEverything(); // no worker thread stays blocked after a failed spec
        base.AfterAll();
    }

    private IActorRef Agent(int workers, int prefetch) =>
        Sys.ActorOf(NodeAgent.Props(TestConfig.Registry(new ProbeWorkload(), new HoldWorkload()), new NodeAgentSettings { Workers = workers, Prefetch = prefetch }));

    private (string Name, HoldWorkload.Gauge Gauge) NewGauge()
    {
        var name = Guid.NewGuid().ToString("N");
        var gauge = HoldWorkload.For(name);
        _gauges.Add(gauge);
        return (name, gauge);
    }

    /// <summary>Announces job "j" to the agent and plays its coordinator; the agent's first credits are in.</summary>
    private PlayedCoordinator Play(IActorRef agent, int capacity, string workload, params string[] args)
    {
        var coordinator = new PlayedCoordinator(CreateTestProbe(), agent, "j", capacity);
        agent.Tell(new JobAvailable("j", workload, args, coordinator.Probe.Ref));
        coordinator.ReceiveUntil(() => coordinator.Available == capacity, Wait);
        return coordinator;
    }

    private static IEnumerable<(long Start, long Count)> Ranges(long start, int batches, long count) =>
        Enumerable.Range(0, batches).Select(i => (start + i * count, count));

    [Fact]
    public void Should_send_batches_that_finish_together_in_one_completion()
    {
        var (name, gauge) = NewGauge();
        var agent = Agent(workers: 3, prefetch: 3);
        var coordinator = Play(agent, 6, "hold", "--name", name, "--hold-from", "0", "--hold-until", "1000000");
        var ids = coordinator.HandOut(Ranges(0, 6, 10)); // three run (held), three wait in the agent
        AwaitCondition(() => gauge.Running == 3, Wait);

        // Keep the agent busy (it prepares another job on its own thread) while the three running batches finish.
        agent.Tell(new JobAvailable("busy", "hold", ["--name", name, "--stall", "yes"], CreateTestProbe().Ref));
        Assert.True(gauge.Stalled.Wait(Wait), "the agent never started preparing the other job");
        gauge.Gate.Set();
        AwaitCondition(() => gauge.Executed == 3, Wait);
        Thread.Sleep(200); // the workers' results reach the agent's mailbox
        gauge.Release.Set();

        coordinator.ReceiveUntil(() => coordinator.Completions.Count == 6, Wait);
        var first = coordinator.CompletionMessages[0];
        Assert.Superset(ids.Take(3).ToHashSet(), first.Batches.Select(b => b.BatchId).ToHashSet()); // the three that finished while the agent was busy
        Assert.True(coordinator.CompletionMessages.Count < 6, $"{coordinator.CompletionMessages.Count} completion messages for 6 batches");
        Assert.Equal(ids, coordinator.Completions.Select(c => c.BatchId).Order()); // each batch exactly once
        Assert.All(coordinator.Completions, c => Assert.Equal(BitConverter.GetBytes(10L), c.Partial));
        coordinator.ReceiveWhileAny(TimeSpan.FromMilliseconds(500));
        Assert.Equal(6, coordinator.Granted - coordinator.Completions.Count); // idle again: every credit asked for, none lost
    }

    [Fact]
    public void Should_never_be_granted_more_than_workers_plus_prefetch_however_completions_are_grouped()
    {
        var agent = Agent(workers: 3, prefetch: 3);
        var coordinator = Play(agent, 6, "probe", "--items", "1000", "--ms-per-item", "3");
        const int total = 60;
        var next = 0L;

        // Hand out whatever the credits allow, as a coordinator does, until 60 batches of 6 ms ran.
        var deadline = DateTime.UtcNow + Wait;
        while (coordinator.Completions.Count < total)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {coordinator.Completions.Count} of {total} batches completed");
            var now = Math.Min(coordinator.Available, total - coordinator.HandedOut);
            if (now > 0)
            {
                coordinator.HandOut(Ranges(next, now, 2));
                next += 2 * now;
            }
            coordinator.ReceiveOne(Wait); // checks the credits of every message
        }

        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), coordinator.Completions.Select(c => c.BatchId).Order());
        Assert.All(coordinator.CompletionMessages, r => Assert.NotEmpty(r.Batches));
        Assert.True(coordinator.CompletionMessages.Count <= total);
        coordinator.ReceiveWhileAny(TimeSpan.FromMilliseconds(500));
        Assert.Equal(6, coordinator.Granted - coordinator.Completions.Count);
    }

    [Fact]
    public void Should_run_short_batches_in_groups_and_complete_each_once()
    {
        var (name, gauge) = NewGauge();
        var agent = Agent(workers: 2, prefetch: 32);
        // Batches take microseconds, except the one with item 0, which waits for the gate.
        var coordinator = Play(agent, 34, "hold", "--name", name, "--hold-from", "0", "--hold-until", "1");

        // Let the agent measure the job: rounds of short batches until the last 20 were each well under a millisecond.
        var next = 1_000L;
        var warm = false;
        for (var round = 0; round < 20 && !warm; round++)
        {
            coordinator.ReceiveUntil(() => coordinator.Available >= 32, Wait);
            coordinator.HandOut(Ranges(next, 32, 1));
            next += 32;
            coordinator.ReceiveUntil(() => coordinator.Completions.Count == coordinator.HandedOut, Wait);
            warm = coordinator.Completions.Count >= 20 && coordinator.Completions.TakeLast(20).All(c => c.BusyMicros < 200);
        }
        Assert.True(warm, "short batches were never measured under 200 µs");
        coordinator.ReceiveUntil(() => coordinator.Available >= 32, Wait);
        var warmUp = coordinator.Completions.Count;

        // 32 batches at once to two idle workers; the first one is held.
        var ids = coordinator.HandOut(Ranges(0, 32, 1));
        coordinator.ReceiveUntil(() => coordinator.Completions.Count > warmUp, Wait);
        coordinator.ReceiveWhileAny(TimeSpan.FromMilliseconds(500));
        var whileHeld = coordinator.Completions.Skip(warmUp).Select(c => c.BatchId).ToList();

        // One at a time, the other worker would have run all 31 others. Grouped, the batches handed to the
        // held batch's worker wait with it: at most a fair share (half of them over two idle workers).
        Assert.DoesNotContain(ids[0], whileHeld);
        Assert.InRange(whileHeld.Count, 16, 30);
        Assert.Equal(1, gauge.Running); // only the held batch is running

        gauge.Gate.Set();
        coordinator.ReceiveUntil(() => coordinator.Completions.Count == warmUp + 32, Wait);
        Assert.Equal(ids, coordinator.Completions.Skip(warmUp).Select(c => c.BatchId).Order());
        Assert.Equal(Enumerable.Range(1, coordinator.HandedOut).Select(i => (long)i), coordinator.Completions.Select(c => c.BatchId).Order());
        Assert.True(coordinator.CompletionMessages.Count < coordinator.HandedOut, $"{coordinator.CompletionMessages.Count} completion messages for {coordinator.HandedOut} batches");
        Assert.Equal(coordinator.HandedOut, gauge.Executed); // each batch ran once
    }
}
