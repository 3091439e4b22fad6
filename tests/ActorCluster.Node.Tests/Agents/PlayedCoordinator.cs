using Akka.Actor;
using Akka.TestKit;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Tests.Agents;

/// <summary>
/// A job's coordinator played by a probe against one agent: it hands out batches only against credits and
/// checks that, after every message, the agent never holds or has asked for more than its capacity
/// (granted credits minus completed batches).
/// </summary>
public sealed class PlayedCoordinator(TestProbe probe, IActorRef agent, string jobId, int capacity)
{
    private long _nextBatchId;

    public TestProbe Probe { get; } = probe;

    /// <summary>Credits the agent granted (in requests and in completions).</summary>
    public int Granted { get; private set; }

    public int HandedOut { get; private set; }

    public int Available => Granted - HandedOut;

    public List<BatchesCompleted> CompletionMessages { get; } = [];

    public List<CompletedBatch> Completions { get; } = [];

    /// <summary>One <see cref="WorkBatches"/> with a batch per range; returns the batch ids.</summary>
    public List<long> HandOut(IEnumerable<(long Start, long Count)> ranges)
    {
        var batches = ranges.Select(r => new BatchAssignment(++_nextBatchId, r.Start, r.Count)).ToArray();
        Assert.True(batches.Length <= Available, $"{batches.Length} batches for {Available} credits");
        HandedOut += batches.Length;
        agent.Tell(new WorkBatches(jobId, batches), Probe.Ref);
        return batches.Select(b => b.BatchId).ToList();
    }

    /// <summary>Takes the next message (failing after <paramref name="timeout"/>) and checks it.</summary>
    public void ReceiveOne(TimeSpan timeout)
    {
        var message = Probe.ReceiveOne(timeout) ?? throw new Xunit.Sdk.XunitException($"no message from the agent within {timeout}");
        Handle(message);
    }

    public void ReceiveUntil(Func<bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            var left = deadline - DateTime.UtcNow;
            var message = left > TimeSpan.Zero ? Probe.ReceiveOne(left) : null;
            if (message is null)
                throw new Xunit.Sdk.XunitException($"gave up waiting after {timeout}: {CompletionMessages.Count} completion messages, {Completions.Count} completions, {Granted} credits granted, {HandedOut} batches handed out");
            Handle(message);
        }
    }

    /// <summary>Takes messages until none came for <paramref name="quiet"/>.</summary>
    public void ReceiveWhileAny(TimeSpan quiet)
    {
        while (Probe.ReceiveOne(quiet) is { } message)
            Handle(message);
    }

    private void Handle(object message)
    {
        switch (message)
        {
            case RequestWork { Resync: false } request:
                Assert.Equal(jobId, request.JobId);
                Granted += request.Credits;
                break;
            case RequestWork resync:
                Granted = HandedOut + resync.Credits; // what the agent still waits for, restated
                break;
            case BatchesCompleted completed:
                Assert.Equal(jobId, completed.JobId);
                Assert.NotEmpty(completed.Batches);
                CompletionMessages.Add(completed);
                Completions.AddRange(completed.Batches);
                Granted += completed.Credits;
                break;
            default:
                throw new Xunit.Sdk.XunitException($"unexpected {message}");
        }
        Assert.True(Granted - Completions.Count <= capacity,
            $"the agent holds or asked for {Granted - Completions.Count} batches; it has room for {capacity}");
        Assert.Equal(Completions.Count, Completions.Select(c => c.BatchId).Distinct().Count());
    }
}
