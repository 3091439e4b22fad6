using ActorCluster.Core.Text;

namespace ActorCluster.Core.Jobs;

/// <summary>
/// What a job's task stream and its plots show, in bounded memory however many batches the job has: the last
/// <see cref="BatchCapacity"/> batches in full (a ring), and for every batch, per node, counts in time buckets that
/// start one second wide and double (neighbours merged) whenever the job outlives <see cref="MaxBuckets"/> of them;
/// the last <see cref="MaxFailures"/> failures and the last <see cref="MaxWorkerChanges"/> changes of a node's worker
/// count. At most <see cref="MaxNodes"/> nodes are named; any later one is counted as the last of them.
/// Lives in the coordinator's memory only: a coordinator that moves to another node starts a fresh one.
/// </summary>
public sealed class JobTimeline
{
    public const int DefaultBatchCapacity = 5_000;
    public const int MaxBuckets = 600;
    public const long FirstBucketMs = 1_000;
    public const int MaxFailures = 500;
    public const int MaxWorkerChanges = 2_000;
    public const int MaxNodes = 256;
    public const int MaxErrorChars = 300;

    /// <summary>Grows with the job up to <see cref="BatchCapacity"/>, then is a ring (a job of a few batches costs a few entries).</summary>
    private readonly List<TimelineBatch> _ring = [];
    private readonly List<string> _nodes = [];
    private readonly Dictionary<string, int> _nodeIndex = new(StringComparer.Ordinal);
    private readonly List<Dictionary<int, Counts>?> _buckets = [];
    private readonly Queue<TimelineFailure> _failures = new();
    private readonly Queue<TimelineWorkers> _workerChanges = new();
    private readonly Dictionary<int, int> _lastWorkers = [];
    private int _next;

    public JobTimeline(long originUnixMs, int batchCapacity = DefaultBatchCapacity)
    {
        if (batchCapacity < 1) throw new ArgumentOutOfRangeException(nameof(batchCapacity));
        OriginUnixMs = originUnixMs;
        BatchCapacity = batchCapacity;
    }

    public long OriginUnixMs { get; }

    public int BatchCapacity { get; }

    public long BucketMs { get; private set; } = FirstBucketMs;

    public long BatchesTotal { get; private set; }

    public long ItemsTotal { get; private set; }

    public long FailuresTotal { get; private set; }

    /// <summary>Buckets in use (each holds a count per node that finished something in it).</summary>
    public int BucketCount => _buckets.Count;

    /// <summary>A batch counted for the first time: <paramref name="startMicros"/> and <paramref name="busyMicros"/> are the node's.</summary>
    public void RecordBatch(string node, int worker, long startMicros, long busyMicros, long firstItem, long items)
    {
        var n = NodeIndex(node);
        var end = startMicros + Math.Max(0, busyMicros);
        var bar = new TimelineBatch(n, worker, startMicros, end, firstItem, items);
        if (_ring.Count == BatchCapacity)
            _ring[_next] = bar;
        else
        {
            if (_ring.Count == _ring.Capacity) _ring.Capacity = Math.Min(BatchCapacity, Math.Max(16, _ring.Capacity * 2));
            _ring.Add(bar);
        }
        _next = (_next + 1) % BatchCapacity;
        BatchesTotal++;
        ItemsTotal += items;

        var bucket = Bucket(end / 1000);
        var counts = (_buckets[bucket] ??= []);
        counts[n] = (counts.TryGetValue(n, out var c) ? c : default).Add(items, busyMicros);
    }

    public void RecordFailure(string node, long firstItem, long items, string error, bool willRetry, long atUnixMs)
    {
        FailuresTotal++;
        if (_failures.Count == MaxFailures) _failures.Dequeue();
        _failures.Enqueue(new TimelineFailure(atUnixMs, NodeIndex(node), firstItem, items, Echo.Shorten(error, MaxErrorChars), willRetry));
    }

    /// <summary>A node's worker count as it reports it; kept only when it changed.</summary>
    public void RecordWorkers(string node, int workers, long atUnixMs)
    {
        var n = NodeIndex(node);
        if (_lastWorkers.TryGetValue(n, out var last) && last == workers) return;
        _lastWorkers[n] = workers;
        if (_workerChanges.Count == MaxWorkerChanges) _workerChanges.Dequeue();
        _workerChanges.Enqueue(new TimelineWorkers(atUnixMs, n, workers));
    }

    /// <summary>A timeline as a <see cref="View"/> gave it (from an ended job's snapshot), its bounds applied again.</summary>
    public static JobTimeline Restore(JobTimelineView view)
    {
        var timeline = new JobTimeline(view.OriginUnixMs, Math.Clamp(view.BatchCapacity, 1, DefaultBatchCapacity));
        foreach (var node in view.Nodes.Take(MaxNodes)) timeline.NodeIndex(node);
        string Name(int node) => timeline._nodes[Math.Clamp(node, 0, Math.Max(0, timeline._nodes.Count - 1))];
        if (timeline._nodes.Count == 0) return timeline;
        while (timeline.BucketMs < view.BucketMs) timeline.BucketMs *= 2;
        foreach (var b in view.Buckets)
        {
            var bucket = timeline.Bucket(view.OriginUnixMs + b.OffsetMs);
            var counts = (timeline._buckets[bucket] ??= []);
            var n = timeline.NodeIndex(Name(b.Node));
            var restored = new Counts(b.Batches, b.Items, b.BusyMicros, b.MaxBatchItems);
            counts[n] = counts.TryGetValue(n, out var c) ? c.Merge(restored) : restored;
        }
        foreach (var b in view.Batches.TakeLast(timeline.BatchCapacity))
        {
            timeline._ring.Add(b with { Node = timeline.NodeIndex(Name(b.Node)) });
            timeline._next = (timeline._next + 1) % timeline.BatchCapacity;
        }
        timeline.BatchesTotal = Math.Max(view.BatchesTotal, timeline._ring.Count);
        timeline.ItemsTotal = view.ItemsTotal;
        foreach (var f in view.Failures.TakeLast(MaxFailures))
            timeline._failures.Enqueue(f with { Node = timeline.NodeIndex(Name(f.Node)) });
        timeline.FailuresTotal = Math.Max(view.FailuresTotal, timeline._failures.Count);
        foreach (var w in view.Workers.TakeLast(MaxWorkerChanges))
        {
            var n = timeline.NodeIndex(Name(w.Node));
            timeline._workerChanges.Enqueue(w with { Node = n });
            timeline._lastWorkers[n] = w.Workers;
        }
        return timeline;
    }

    public JobTimelineView View()
    {
        // Oldest first: once the ring is full, the oldest is the one to be overwritten next.
        var batches = new TimelineBatch[_ring.Count];
        var oldest = _ring.Count < BatchCapacity ? 0 : _next;
        for (var i = 0; i < batches.Length; i++)
            batches[i] = _ring[(oldest + i) % _ring.Count];
        var buckets = new List<TimelineBucket>();
        for (var b = 0; b < _buckets.Count; b++)
        {
            if (_buckets[b] is not { } counts) continue;
            foreach (var (node, c) in counts.OrderBy(x => x.Key))
                buckets.Add(new TimelineBucket(b * BucketMs, node, c.Batches, c.Items, c.BusyMicros, c.MaxItems));
        }
        return new JobTimelineView(OriginUnixMs, BucketMs, _nodes.ToArray(), BatchesTotal, ItemsTotal, BatchCapacity, batches, buckets,
            FailuresTotal, _failures.ToArray(), _workerChanges.ToArray());
    }

    private int NodeIndex(string node)
    {
        if (_nodeIndex.TryGetValue(node, out var n)) return n;
        if (_nodes.Count == MaxNodes) return MaxNodes - 1;
        _nodes.Add(node);
        return _nodeIndex[node] = _nodes.Count - 1;
    }

    /// <summary>The bucket a time falls in, merging neighbours (and doubling the width) until it fits; a time before the job's start counts in the first.</summary>
    private int Bucket(long atUnixMs)
    {
        var offset = Math.Max(0, atUnixMs - OriginUnixMs);
        while (offset / BucketMs >= MaxBuckets) Coarsen();
        var index = (int)(offset / BucketMs);
        while (_buckets.Count <= index) _buckets.Add(null);
        return index;
    }

    private void Coarsen()
    {
        var merged = new List<Dictionary<int, Counts>?>((_buckets.Count + 1) / 2);
        for (var i = 0; i < _buckets.Count; i += 2)
        {
            var (a, b) = (_buckets[i], i + 1 < _buckets.Count ? _buckets[i + 1] : null);
            if (a is null || b is null)
            {
                merged.Add(a ?? b);
                continue;
            }
            foreach (var (node, c) in b)
                a[node] = a.TryGetValue(node, out var x) ? x.Merge(c) : c;
            merged.Add(a);
        }
        _buckets.Clear();
        _buckets.AddRange(merged);
        BucketMs *= 2;
    }

    private readonly record struct Counts(long Batches, long Items, long BusyMicros, long MaxItems)
    {
        public Counts Add(long items, long busyMicros) => new(Batches + 1, Items + items, BusyMicros + busyMicros, Math.Max(MaxItems, items));

        public Counts Merge(Counts other) => new(Batches + other.Batches, Items + other.Items, BusyMicros + other.BusyMicros, Math.Max(MaxItems, other.MaxItems));
    }
}
