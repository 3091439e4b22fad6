using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Core.Tests.Jobs;

/// <summary>A job with a manifest and per-item records: what the coordinator keeps in the job store and how it recovers from it.</summary>
public sealed class JobStateManifestSpecs
{
    private const long StartedAt = 1_700_000_000_000;
    private const long Mb = 1024 * 1024;
    private readonly ManifestWorkload _workload = new();
    private readonly MemoryJobDataStore _store = new();

    private JobState<string> NewState() =>
        new(WorkloadRegistry.Of([new InstalledWorkload(_workload, "v1")]), new BatchSizingOptions { InitialBatchSize = 10, TailFactor = 1, MaxGrowthFactor = 1 }, 3, _store);

    private (JobState<string> State, JobStarted Started) Start(int items, bool useCache = true)
    {
        var state = NewState();
        Assert.True(state.TryAccept("j-1", "manifest", ["--items", items.ToString()], StartedAt, useCache, out var started, out var reason), reason);
        _store.SaveManifest("j-1", state.TakeManifestChunks());
        state.Apply(started);
        return (state, started);
    }

    /// <summary>Runs every batch the agent gets, records and all; returns the completions' outcomes.</summary>
    private static List<CountedCompletion> RunAll(JobState<string> state)
    {
        var outcomes = new List<CountedCompletion>();
        state.Grant("a", "node-1", 1000, workers: 2);
        foreach (var h in state.Dispatch())
        {
            var output = state.Job!.Execute(h.Range, CancellationToken.None);
            outcomes.Add(state.Complete("a", "node-1", 2, null,
                [new BatchCompletion(h.BatchId, new CountedRange(h.Range.Start, h.Range.Count, 100, output.Partial), RecordBlock.Encode(output.Records!))]));
        }
        return outcomes;
    }

    [Fact]
    public void Should_resume_from_the_journal_with_the_manifest_of_the_store_without_listing_again()
    {
        var (live, started) = Start(50);
        var events = RunAll(live).Select(o => o.Event!).Take(2).ToList();
        _workload.Listing = n => Enumerable.Repeat(999L, n + 7).ToArray(); // the "directory" changed after the start

        var recovered = NewState();
        recovered.Apply(started);
        events.ForEach(recovered.Apply);

        Assert.Equal(1, _workload.Listed);
        Assert.Equal(1, _workload.Opened);
        Assert.Equal(50, recovered.ItemsTotal);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => i * 10L), recovered.Job!.ItemSizes!);
        Assert.False(started.ManifestOrNone.IsEmpty);
    }

    [Fact]
    public void Should_fail_a_recovered_job_whose_manifest_the_store_lost_instead_of_listing_again()
    {
        var (_, started) = Start(5);

        var recovered = new JobState<string>(WorkloadRegistry.Of([new InstalledWorkload(_workload, "v1")]), new BatchSizingOptions(), 3, new MemoryJobDataStore());
        recovered.Apply(started);

        Assert.Equal(JobPhase.Failed, recovered.Phase);
        Assert.Contains("lost chunk 0", recovered.Finished!.Error);
        Assert.Equal(1, _workload.Listed);
    }

    [Fact]
    public void Should_store_one_record_per_counted_item_and_none_for_a_duplicate_completion()
    {
        var (state, _) = Start(30);
        var outcomes = RunAll(state);
        var first = outcomes[0];

        var again = state.Complete("a", "node-1", 2, null, [new BatchCompletion(99, new CountedRange(0, 10, 1, BitConverter.GetBytes(0L)), RecordBlock.Encode(new string[10].Select(_ => "{}").ToList()))]);

        Assert.Null(again.Event);
        Assert.Empty(again.Rows);
        _store.SaveRecords("j-1", outcomes.SelectMany(o => o.Rows).ToList());
        var (lines, _) = ResultLines.From(_store.ReadRecords("j-1", 0, long.MaxValue), 0);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"{{\"item\":{i},\"size\":{i * 10}}}"), lines);
        Assert.NotEmpty(first.Cacheable);
    }

    [Fact]
    public void Should_refuse_a_batch_whose_records_do_not_match_its_items_and_hand_it_out_again()
    {
        var (state, _) = Start(10);
        state.Grant("a", "node-1", 1, workers: 1);
        var h = state.Dispatch().Single();

        var outcome = state.Complete("a", "node-1", 1, null, [new BatchCompletion(h.BatchId, new CountedRange(h.Range.Start, h.Range.Count, 1, BitConverter.GetBytes(0L)), RecordBlock.Encode(["{}"]))]);

        Assert.Null(outcome.Event);
        Assert.Equal(h.BatchId, Assert.Single(outcome.Rejected).BatchId);
        Assert.Equal(0, state.ItemsCompleted);
    }

    [Fact]
    public void Should_count_items_from_the_cache_without_running_them_and_merge_their_partials()
    {
        var (first, _) = Start(20);
        foreach (var o in RunAll(first))
            foreach (var (start, records) in o.Cacheable)
                ResultCache.Remember((ICacheableWorkloadJob)first.Job!, _store, first.CacheScope!, start, records);

        var second = NewState();
        Assert.True(second.TryAccept("j-2", "manifest", ["--items", "25"], StartedAt, true, out var started, out _));
        var fromCache = ResultCache.Reuse((ICacheableWorkloadJob)second.Job!, _store, ResultCache.Scope("manifest", started.WorkloadVersion), "j-2");
        second.Apply(started);
        fromCache.ForEach(second.Apply);

        Assert.Equal(20, second.ItemsFromCache);
        Assert.Equal(20, second.ItemsCompleted);
        Assert.Equal(0, second.BatchesCounted);
        Assert.Equal(20, second.Snapshot().ItemsFromCache);
        second.Grant("a", "node-1", 100, 1);
        Assert.All(second.Dispatch(), h => Assert.True(h.Range.Start >= 20));
    }

    [Fact]
    public void Should_take_nothing_from_the_cache_with_no_cache()
    {
        var (state, started) = Start(5, useCache: false);

        Assert.False(started.UseCache);
        Assert.Null(state.CacheScope);
        Assert.All(RunAll(state), o => Assert.Empty(o.Cacheable));
    }

    [Fact]
    public void Should_never_hand_out_a_batch_that_mixes_size_classes()
    {
        _workload.Listing = _ => [.. Enumerable.Repeat(600 * Mb, 3), .. Enumerable.Repeat(200 * Mb, 4), .. Enumerable.Repeat(Mb, 30)];
        var (state, _) = Start(37);

        state.Grant("a", "node-1", 1000, workers: 1);
        var ranges = state.Dispatch().Select(h => h.Range).ToList();

        Assert.Equal(37, ranges.Sum(r => r.Count));
        Assert.All(ranges, r => Assert.True(r.End <= 3 || r.Start >= 3 && r.End <= 7 || r.Start >= 7, $"{r} mixes size classes"));
    }
}
