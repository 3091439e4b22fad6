using System.Collections.Concurrent;
using System.Diagnostics;

namespace ActorCluster.Bench;

/// <summary>
/// The in-process baselines ActorCluster is compared with. Each runs exactly the items of an
/// <see cref="ItemKernel"/>, one call per item, and returns the digest so the caller can check it
/// against the sequential one.
/// </summary>
public static class Baselines
{
    public static BaselineRun Sequential(ItemKernel kernel)
    {
        var clock = Stopwatch.StartNew();
        Digest total = default;
        for (long i = 0; i < kernel.ItemCount; i++)
            total += kernel.RunItem(i);
        return new BaselineRun(total, clock.Elapsed);
    }

    /// <summary>
    /// <c>Parallel.ForEach</c> over an <see cref="IEnumerable{T}"/> of item indices with its default
    /// (chunking) partitioner and thread-local accumulation: what a competent developer writes first.
    /// </summary>
    public static BaselineRun ParallelForEach(ItemKernel kernel)
    {
        var clock = Stopwatch.StartNew();
        Digest total = default;
        var gate = new object();
        var threads = new HashSet<int>();
        Parallel.ForEach(Indices(kernel.ItemCount),
            () =>
            {
                lock (gate) threads.Add(Environment.CurrentManagedThreadId);
                return default(Digest);
            },
            (i, _, local) => local + kernel.RunItem(i),
            local => { lock (gate) total += local; });
        return new BaselineRun(total, clock.Elapsed, threads.Count);
    }

    /// <summary>Items split evenly into one contiguous block per worker thread, decided up front.</summary>
    public static BaselineRun StaticPartitioning(ItemKernel kernel, int workers)
    {
        var clock = Stopwatch.StartNew();
        var ranges = StaticRanges(kernel.ItemCount, workers);
        var partials = new Digest[ranges.Count];
        var threads = ranges.Select((range, w) => new Thread(() =>
        {
            Digest local = default;
            for (var i = range.Start; i < range.End; i++)
                local += kernel.RunItem(i);
            partials[w] = local;
        }) { IsBackground = true, Name = $"static-{w}" }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Digest total = default;
        foreach (var p in partials) total += p;
        return new BaselineRun(total, clock.Elapsed, threads.Count);
    }

    /// <summary>[start, end) per worker: sizes differ by at most one item, in index order, covering every item once.</summary>
    public static IReadOnlyList<(long Start, long End)> StaticRanges(long items, int workers)
    {
        if (workers < 1) throw new ArgumentOutOfRangeException(nameof(workers));
        var ranges = new List<(long, long)>(workers);
        var baseSize = items / workers;
        var extra = items % workers;
        long start = 0;
        for (var w = 0; w < workers; w++)
        {
            var size = baseSize + (w < extra ? 1 : 0);
            ranges.Add((start, start + size));
            start += size;
        }
        return ranges;
    }

    /// <summary>
    /// The classic "one message per item" design: a producer puts every item on a shared queue, worker
    /// threads take one item at a time and send one result message per item back to an aggregator (here
    /// the calling thread). The queue is bounded, as any real mailbox with back-pressure is.
    /// </summary>
    public static BaselineRun SharedQueue(ItemKernel kernel, int workers, int capacity = 10_000)
    {
        var clock = Stopwatch.StartNew();
        using var work = new BlockingCollection<long>(new ConcurrentQueue<long>(), capacity);
        using var results = new BlockingCollection<Digest>(new ConcurrentQueue<Digest>(), capacity);
        var producer = new Thread(() =>
        {
            for (long i = 0; i < kernel.ItemCount; i++)
                work.Add(i);
            work.CompleteAdding();
        }) { IsBackground = true, Name = "queue-producer" };
        var consumers = Enumerable.Range(0, workers).Select(w => new Thread(() =>
        {
            foreach (var item in work.GetConsumingEnumerable())
                results.Add(kernel.RunItem(item));
        }) { IsBackground = true, Name = $"queue-worker-{w}" }).ToList();
        producer.Start();
        consumers.ForEach(t => t.Start());
        Digest total = default;
        for (long received = 0; received < kernel.ItemCount; received++)
            total += results.Take();
        producer.Join();
        consumers.ForEach(t => t.Join());
        return new BaselineRun(total, clock.Elapsed, workers);
    }

    private static IEnumerable<long> Indices(long count)
    {
        for (long i = 0; i < count; i++)
            yield return i;
    }
}
