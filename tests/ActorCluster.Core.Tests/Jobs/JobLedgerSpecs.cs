using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Core.Tests.Jobs;

public sealed class JobLedgerSpecs
{
    private static JobLedger<string> Ledger(long items, long batchSize = 10, int maxAttempts = 3) =>
        new(items, new BatchSizer(new BatchSizingOptions { InitialBatchSize = batchSize, TailFactor = 1, MaxGrowthFactor = 1 }), maxAttempts);

    [Fact]
    public void Should_never_hand_an_agent_more_batches_than_its_credits()
    {
        var ledger = Ledger(1_000);
        ledger.Grant("a", credits: 3, workers: 2);
        ledger.Grant("b", credits: 1, workers: 1);

        var handouts = ledger.Dispatch();

        Assert.Equal(3, handouts.Count(h => h.Agent == "a"));
        Assert.Single(handouts, h => h.Agent == "b");
        Assert.Empty(ledger.Dispatch()); // no credits left, nothing more
        Assert.Equal(3, ledger.InFlightFor("a"));
    }

    [Fact]
    public void Should_carve_consecutive_disjoint_ranges_lazily()
    {
        var ledger = Ledger(1L << 40, batchSize: 1000);
        ledger.Grant("a", 5, 1);

        var ranges = ledger.Dispatch().Select(h => h.Range).ToList();

        Assert.Equal([new ItemRange(0, 1000), new ItemRange(1000, 1000), new ItemRange(2000, 1000), new ItemRange(3000, 1000), new ItemRange(4000, 1000)], ranges);
        Assert.True(ledger.HasWorkToHandOut);
    }

    [Fact]
    public void Should_reissue_the_batches_of_a_removed_agent()
    {
        var ledger = Ledger(100);
        ledger.Grant("a", 2, 1);
        ledger.Grant("b", 1, 1);
        var first = ledger.Dispatch();
        var heldByA = first.Where(h => h.Agent == "a").Select(h => h.Range).ToHashSet();

        var returned = ledger.RemoveAgent("a");
        ledger.Grant("b", 2, 1);
        var second = ledger.Dispatch();

        Assert.Equal(heldByA, returned.ToHashSet());
        Assert.Equal(heldByA, second.Select(h => h.Range).ToHashSet()); // handed-back ranges go first
        Assert.All(second, h => Assert.Equal("b", h.Agent));
    }

    [Fact]
    public void Should_count_a_duplicate_completion_once()
    {
        var ledger = Ledger(20);
        ledger.Grant("a", 1, 1);
        var batch = ledger.Dispatch().Single();
        ledger.RemoveAgent("a"); // a looked dead...
        ledger.Grant("b", 1, 1);
        var reissued = ledger.Dispatch().Single();

        var late = ledger.Complete("a", batch.BatchId, batch.Range, 100); // ...but finished after all
        var again = ledger.Complete("b", reissued.BatchId, reissued.Range, 100);

        Assert.Equal(batch.Range, reissued.Range);
        Assert.Equal(CompletionOutcome.Counted, late);
        Assert.Equal(CompletionOutcome.Duplicate, again);
        Assert.Equal(10, ledger.ItemsCompleted);
        Assert.Equal(1, ledger.BatchesCounted);
        Assert.Equal(10, ledger.ItemsExecutedMoreThanOnce);
    }

    [Fact]
    public void Should_skip_a_handed_back_range_that_completed_meanwhile()
    {
        var ledger = Ledger(10);
        ledger.Grant("a", 1, 1);
        var batch = ledger.Dispatch().Single();
        ledger.RemoveAgent("a");
        ledger.Complete("a", batch.BatchId, batch.Range, 10);
        ledger.Grant("b", 1, 1);

        Assert.Empty(ledger.Dispatch());
        Assert.True(ledger.IsComplete);
    }

    [Fact]
    public void Should_retry_a_failing_range_then_give_up()
    {
        var ledger = Ledger(10, maxAttempts: 3);
        var outcomes = new List<FailureOutcome>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            ledger.Grant("a", 1, 1);
            var batch = ledger.Dispatch().Single();
            Assert.Equal(new ItemRange(0, 10), batch.Range);
            outcomes.Add(ledger.Fail(batch.BatchId, batch.Range));
        }

        Assert.Equal([FailureOutcome.WillRetry, FailureOutcome.WillRetry, FailureOutcome.GaveUp], outcomes);
        Assert.Equal(0, ledger.ItemsCompleted);
    }

    [Fact]
    public void Should_return_unused_credits_when_nothing_is_left_to_hand_out()
    {
        var ledger = Ledger(10);
        ledger.Grant("a", 4, 1);
        ledger.Dispatch();

        Assert.False(ledger.HasWorkToHandOut);
        Assert.Equal(3, ledger.RevokeCredits("a"));
        Assert.Equal(0, ledger.Credits("a"));
    }

    /// <summary>
    /// A randomized cluster: agents ask for work, complete batches late or twice, vanish and come back.
    /// Whatever happens, the job completes with every item counted exactly once.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Should_count_every_item_exactly_once_whatever_agents_do(int seed)
    {
        var random = new Random(seed);
        const long items = 50_000;
        var ledger = new JobLedger<string>(items, new BatchSizer(new BatchSizingOptions { InitialBatchSize = 7 }));
        var agents = new[] { "a", "b", "c", "d" };
        var held = new List<Handout<string>>();
        var counted = new long[items];
        var granted = agents.ToDictionary(a => a, _ => 0);
        var handed = agents.ToDictionary(a => a, _ => 0);
        var steps = 0;

        while (!ledger.IsComplete && steps++ < 200_000)
        {
            var agent = agents[random.Next(agents.Length)];
            switch (random.Next(10))
            {
                case < 3:
                {
                    var credits = random.Next(1, 4);
                    ledger.Grant(agent, credits, 2);
                    granted[agent] += credits;
                    foreach (var h in ledger.Dispatch())
                    {
                        handed[h.Agent]++;
                        Assert.True(handed[h.Agent] <= granted[h.Agent], "an agent got more batches than it asked for");
                        held.Add(h);
                    }
                    break;
                }
                case < 8 when held.Count > 0:
                {
                    var i = random.Next(held.Count);
                    var h = held[i];
                    if (random.Next(5) > 0) held.RemoveAt(i); // sometimes the same batch completes twice
                    if (ledger.Complete(h.Agent, h.BatchId, h.Range, h.Range.Count * 3.0) == CompletionOutcome.Counted)
                        for (var x = h.Range.Start; x < h.Range.End; x++) counted[x]++;
                    break;
                }
                case 8:
                    ledger.RemoveAgent(agent); // the agent's batches may still complete later
                    granted[agent] = handed[agent] = 0;
                    break;
            }
        }

        Assert.True(ledger.IsComplete, $"not complete after {steps} steps: {ledger.ItemsCompleted}/{items}");
        Assert.All(counted, c => Assert.Equal(1, c));
        Assert.Equal(items, ledger.ItemsCompleted);
    }

    [Fact]
    public void Should_never_hand_an_agent_a_batch_larger_than_its_chunk_size()
    {
        var ledger = Ledger(1_000, batchSize: 100);
        ledger.Grant("unbounded", credits: 2, workers: 1);
        ledger.Grant("chunked", credits: 3, workers: 1, maxBatchItems: 7);

        var first = ledger.Dispatch();
        var returned = ledger.RemoveAgent("unbounded"); // its batches come back whole, larger than the chunk
        var reissued = new List<ItemRange>();
        for (var round = 0; round < 40; round++)
        {
            ledger.Grant("chunked", credits: 1, workers: 1, maxBatchItems: 7);
            reissued.AddRange(ledger.Dispatch().Select(h => h.Range));
        }

        Assert.Equal([100L, 100L], returned.Select(r => r.Count));
        Assert.All(first.Where(h => h.Agent == "chunked").Select(h => h.Range).Concat(reissued), r => Assert.InRange(r.Count, 1, 7));
        var backAgain = reissued.Where(r => returned.Any(b => r.Start >= b.Start && r.End <= b.End)).Sum(r => r.Count);
        Assert.Equal(200, backAgain); // every returned item handed out again, seven at a time
    }
}
