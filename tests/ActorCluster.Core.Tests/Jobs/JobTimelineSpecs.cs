using ActorCluster.Core.Jobs;
using Xunit.Abstractions;

namespace ActorCluster.Core.Tests.Jobs;

/// <remarks>
/// Alone in its collection: the memory bound is read from the process's heap, which specs running in parallel
/// would fill too.
/// </remarks>
[Collection(nameof(JobTimelineSpecs))]
public sealed class JobTimelineSpecs(ITestOutputHelper output)
{
    /// <summary>What the README states: 5,000 batches of 48 bytes, 600 buckets per node, 500 failures, 2,000 worker changes.</summary>
    private const long StatedBoundBytes = 1024 * 1024;

    private const long Origin = 1_700_000_000_000;
    private static readonly string[] Nodes = ["node-a", "node-b", "node-c"];

    [Fact]
    public void Should_keep_every_batch_of_a_small_job_in_full_with_its_node_and_lane()
    {
        var timeline = new JobTimeline(Origin);

        for (var i = 0; i < 40; i++)
            timeline.RecordBatch(Nodes[i % 2], worker: i % 4, startMicros: (Origin + i * 10) * 1000, busyMicros: 5_000, firstItem: i * 100, items: 100);
        var view = timeline.View();

        Assert.Equal(40, view.Batches.Count);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => i * 100L), view.Batches.Select(b => b.FirstItem));
        Assert.Equal(["node-a", "node-b"], view.Nodes);
        Assert.Equal(new TimelineBatch(1, 3, (Origin + 390) * 1000, (Origin + 395) * 1000, 3_900, 100), view.Batches[^1]);
        Assert.Equal(40, view.BatchesTotal);
        Assert.Equal(4_000, view.ItemsTotal);
    }

    [Fact]
    public void Should_keep_only_the_last_batches_in_full_oldest_first()
    {
        var timeline = new JobTimeline(Origin, batchCapacity: 10);

        for (var i = 0; i < 25; i++)
            timeline.RecordBatch("node-a", 0, (Origin + i) * 1000, 100, firstItem: i, items: 1);
        var view = timeline.View();

        Assert.Equal(Enumerable.Range(15, 10).Select(i => (long)i), view.Batches.Select(b => b.FirstItem));
        Assert.Equal(25, view.BatchesTotal);
        Assert.Equal(25, view.Buckets.Sum(b => b.Batches));
    }

    [Fact]
    public void Should_count_batches_per_node_and_second_until_the_job_outlives_the_buckets()
    {
        var timeline = new JobTimeline(Origin);

        timeline.RecordBatch("node-a", 0, (Origin + 100) * 1000, 200_000, 0, 10);   // ends at 0.3 s
        timeline.RecordBatch("node-a", 1, (Origin + 500) * 1000, 100_000, 10, 30);  // ends at 0.6 s
        timeline.RecordBatch("node-b", 0, (Origin + 1_500) * 1000, 100_000, 40, 5); // ends at 1.6 s
        var buckets = timeline.View().Buckets;

        Assert.Equal(1_000, timeline.BucketMs);
        Assert.Equal([new TimelineBucket(0, 0, 2, 40, 300_000, 30), new TimelineBucket(1_000, 1, 1, 5, 100_000, 5)], buckets);
    }

    [Fact]
    public void Should_merge_neighbouring_buckets_and_double_their_width_keeping_every_count()
    {
        var timeline = new JobTimeline(Origin);
        // One batch of i+1 items ending in each second of a job 2.5 times as long as the buckets reach.
        var seconds = JobTimeline.MaxBuckets * 5 / 2;
        for (var s = 0; s < seconds; s++)
            timeline.RecordBatch(Nodes[s % 3], 0, (Origin + s * 1_000L) * 1000, 1_000, s, s + 1);
        var view = timeline.View();

        Assert.Equal(4_000, view.BucketMs); // 1 s, then 2 s at 600 s, then 4 s at 1,200 s
        Assert.True(timeline.BucketCount <= JobTimeline.MaxBuckets);
        Assert.Equal(seconds, view.Buckets.Sum(b => b.Batches));
        Assert.Equal((long)seconds * (seconds + 1) / 2, view.Buckets.Sum(b => b.Items));
        // Seconds 0-3 are in the first bucket: node-a ran seconds 0 and 3 (1 + 4 items), node-b 1, node-c 2.
        Assert.Equal([new TimelineBucket(0, 0, 2, 5, 2_000, 4), new TimelineBucket(0, 1, 1, 2, 1_000, 2), new TimelineBucket(0, 2, 1, 3, 1_000, 3)],
            view.Buckets.Where(b => b.OffsetMs == 0));
        Assert.All(view.Buckets, b => Assert.Equal(0, b.OffsetMs % 4_000));
    }

    [Fact]
    public void Should_stay_under_its_bound_for_two_million_batches_and_total_the_feed()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var timeline = new JobTimeline(Origin);
        long items = 0;
        var perNode = new long[3];
        const int batches = 2_000_000;
        for (var i = 0; i < batches; i++)
        {
            var size = 1 + i % 7;
            // 2,000 batches a second for 1,000 s: the buckets merge once.
            timeline.RecordBatch(Nodes[i % 3], i % 8, (Origin + i / 2) * 1000, 400, i * 7L, size);
            items += size;
            perNode[i % 3] += size;
        }
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(timeline);
        var view = timeline.View();
        output.WriteLine($"timeline of {batches:N0} batches on 3 nodes: {retained:N0} bytes retained, {view.Buckets.Count} buckets of {view.BucketMs} ms");

        Assert.InRange(retained, 0, StatedBoundBytes);
        Assert.Equal(JobTimeline.DefaultBatchCapacity, view.Batches.Count);
        Assert.True(view.Buckets.Count <= JobTimeline.MaxBuckets * Nodes.Length);
        Assert.Equal(batches, view.BatchesTotal);
        Assert.Equal(batches, view.Buckets.Sum(b => b.Batches));
        Assert.Equal(items, view.ItemsTotal);
        Assert.Equal(items, view.Buckets.Sum(b => b.Items));
        Assert.Equal(perNode, Enumerable.Range(0, 3).Select(n => view.Buckets.Where(b => b.Node == n).Sum(b => b.Items)));
        Assert.Equal((batches - 1) * 7L, view.Batches[^1].FirstItem);
    }

    [Fact]
    public void Should_restore_from_its_view_what_it_held_and_keep_counting_from_there()
    {
        var timeline = new JobTimeline(Origin, batchCapacity: 50);
        for (var i = 0; i < 3_000; i++)
            timeline.RecordBatch(Nodes[i % 3], i % 4, (Origin + i * 500L) * 1000, 2_000, i * 10L, 10); // 1,500 s: 4 s buckets
        timeline.RecordFailure("node-b", 40, 10, "boom", willRetry: false, Origin + 7);
        timeline.RecordWorkers("node-c", 3, Origin + 9);
        var before = timeline.View();

        var restored = JobTimeline.Restore(before);
        var after = restored.View();
        restored.RecordBatch("node-a", 1, (Origin + 1_600_000) * 1000, 1_000, 30_000, 7);
        var later = restored.View();

        Assert.Equal((before.OriginUnixMs, before.BucketMs, before.BatchesTotal, before.ItemsTotal, before.BatchCapacity, before.FailuresTotal),
            (after.OriginUnixMs, after.BucketMs, after.BatchesTotal, after.ItemsTotal, after.BatchCapacity, after.FailuresTotal));
        Assert.Equal(before.Nodes, after.Nodes);
        Assert.Equal(before.Batches, after.Batches);
        Assert.Equal(before.Buckets, after.Buckets);
        Assert.Equal(before.Failures, after.Failures);
        Assert.Equal(before.Workers, after.Workers);
        Assert.Equal(30_000, later.Batches[^1].FirstItem);
        Assert.Equal(before.Batches.Skip(1), later.Batches.Take(49));
        Assert.Equal(3_001, later.Buckets.Sum(b => b.Batches));
    }

    [Fact]
    public void Should_keep_the_last_failures_shortened_and_count_them_all()
    {
        var timeline = new JobTimeline(Origin);

        for (var i = 0; i < JobTimeline.MaxFailures + 20; i++)
            timeline.RecordFailure("node-a", i * 10, 10, i == JobTimeline.MaxFailures + 19 ? new string('x', 5_000) : $"boom {i}", willRetry: true, Origin + i);
        var view = timeline.View();

        Assert.Equal(JobTimeline.MaxFailures + 20, view.FailuresTotal);
        Assert.Equal(JobTimeline.MaxFailures, view.Failures.Count);
        Assert.Equal("boom 20", view.Failures[0].Error);
        Assert.True(view.Failures[^1].Error.Length < JobTimeline.MaxErrorChars + 40);
    }

    [Fact]
    public void Should_record_a_nodes_worker_count_only_when_it_changes()
    {
        var timeline = new JobTimeline(Origin);

        foreach (var (node, workers, at) in new[] { ("node-a", 4, 0), ("node-a", 4, 10), ("node-b", 2, 20), ("node-a", 2, 30), ("node-a", 2, 40), ("node-a", 4, 50) })
            timeline.RecordWorkers(node, workers, Origin + at);

        Assert.Equal([new TimelineWorkers(Origin, 0, 4), new TimelineWorkers(Origin + 20, 1, 2), new TimelineWorkers(Origin + 30, 0, 2), new TimelineWorkers(Origin + 50, 0, 4)],
            timeline.View().Workers);
    }

    [Fact]
    public void Should_count_the_nodes_past_its_limit_as_the_last_one_named()
    {
        var timeline = new JobTimeline(Origin);

        for (var n = 0; n < JobTimeline.MaxNodes + 5; n++)
            timeline.RecordBatch($"node-{n}", 0, Origin * 1000, 10, n, 1);
        var view = timeline.View();

        Assert.Equal(JobTimeline.MaxNodes, view.Nodes.Count);
        Assert.Equal(6, view.Buckets.Single(b => b.Node == JobTimeline.MaxNodes - 1).Batches);
    }
}

[CollectionDefinition(nameof(JobTimelineSpecs), DisableParallelization = true)]
public sealed class JobTimelineSpecsCollection;
