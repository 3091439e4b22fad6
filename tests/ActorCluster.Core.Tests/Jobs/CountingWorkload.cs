using System.Text.Json.Nodes;
using ActorCluster.Abstractions;

namespace ActorCluster.Core.Tests.Jobs;

/// <summary>
/// A workload whose partial result is its item count, and which counts how often it was prepared. With --odd-items-fail
/// its aggregate counts the odd items as failed (<see cref="IResultAggregator.FailedItems"/>); with --failed-count-throws that count throws.
/// </summary>
public sealed class CountingWorkload : IWorkload
{
    public int Prepared { get; private set; }

    public string Name => "counting";

    public string Description => "counting --items N [--throw] [--odd-items-fail] [--failed-count-throws]";

    public IWorkloadJob Prepare(IReadOnlyList<string> args)
    {
        Prepared++;
        if (args.Contains("--throw")) throw new InvalidOperationException("plugin bug");
        var oddFail = args.Contains("--odd-items-fail");
        var countThrows = args.Contains("--failed-count-throws");
        var a = new WorkloadArguments(Name, args.Where(x => x is not ("--odd-items-fail" or "--failed-count-throws")).ToList());
        var items = a.GetInt64("items", null, 0, long.MaxValue);
        a.RejectUnknown();
        return new Job(items, oddFail, countThrows);
    }

    private sealed class Job(long items, bool oddFail, bool countThrows) : IWorkloadJob
    {
        public long ItemCount => items;
        public WorkloadKind Kind => WorkloadKind.CpuBound;
        public long MemoryPerItemBytes => 0;
        public BatchOutput Execute(ItemRange range, CancellationToken cancellation) => BitConverter.GetBytes(range.Count);
        public IResultAggregator CreateAggregator() => new Sum(oddFail, countThrows);
    }

    private sealed class Sum(bool oddFail, bool countThrows) : IResultAggregator
    {
        private long _items, _failed;

        public void Add(ItemRange range, ReadOnlySpan<byte> partial)
        {
            _items += BitConverter.ToInt64(partial);
            if (oddFail) _failed += range.End / 2 - range.Start / 2; // odd numbers in [Start, End)
        }

        public JsonObject ToJson() => new() { ["items"] = _items };
        public byte[] Save() => [.. BitConverter.GetBytes(_items), .. BitConverter.GetBytes(_failed)];

        public void Load(ReadOnlySpan<byte> saved)
        {
            _items = BitConverter.ToInt64(saved);
            _failed = saved.Length >= 16 ? BitConverter.ToInt64(saved[8..]) : 0;
        }

        public long FailedItems => countThrows ? throw new InvalidOperationException("plugin bug") : _failed;
    }
}
