using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using ActorCluster.Abstractions;

namespace ActorCluster.Workloads;

/// <summary>
/// A memory-heavy workload for exercising the profiler: each item takes M MB of real, touched memory,
/// holds it for T ms, reads it back into a checksum and frees it. The memory is native, not managed, so
/// it leaves the process's RSS the moment an item ends instead of whenever the GC decides.
/// Item i's checksum is a closed-form function of (seed, i, pages) — see <see cref="ExpectedChecksum"/> —
/// so a test verifies the result without running the workload.
/// </summary>
public sealed class MemhogWorkload : IWorkload
{
    public const int PageBytes = 4096;

    public string Name => "memhog";

    private static readonly WorkloadOption<long> Items = WorkloadOption.Int64("items", "N", "how many items", 1, 1L << 40);
    private static readonly WorkloadOption<int> MbPerItem = WorkloadOption.Int32("mb-per-item", "M", "MB of real, touched memory each item holds", 1, 64 * 1024);
    private static readonly WorkloadOption<int> MsPerItem = WorkloadOption.Int32("ms-per-item", "T", "how long each item holds its memory, in ms", 0, 3_600_000, 0);
    // A wrong estimate is what live resizing exists for; this lets a test declare one on purpose.
    private static readonly WorkloadOption<int> DeclaredMb = WorkloadOption.Int32("declared-mb", "D", "MB per item declared to the profiler", 0, 64 * 1024, "M");
    private static readonly WorkloadOption<long> Seed = WorkloadOption.Int64("seed", "S", "seed of the values written", long.MinValue, long.MaxValue, 7);

    public string Description => "each item holds M MB for T ms and declares D MB to the profiler; the result is a checksum";

    public IReadOnlyList<WorkloadOption> Options => [Items, MbPerItem, MsPerItem, DeclaredMb, Seed];

    public IWorkloadJob Prepare(IReadOnlyList<string> args)
    {
        var parsed = new WorkloadArguments(Name, args);
        var items = parsed.Get(Items);
        var mb = parsed.Get(MbPerItem);
        var ms = parsed.Get(MsPerItem);
        var declared = parsed.Get(DeclaredMb, whenAbsent: mb);
        var seed = parsed.Get(Seed);
        parsed.RejectUnknown();
        return new MemhogJob(items, mb, ms, declared, (ulong)seed);
    }

    /// <summary>The value written to one page of one item.</summary>
    public static ulong PageValue(ulong seed, long item, long page) =>
        Hashing.SplitMix64(seed ^ Hashing.SplitMix64(((ulong)item << 24) ^ (ulong)page));

    /// <summary>The job's checksum computed directly, without allocating anything.</summary>
    public static ulong ExpectedChecksum(long items, int mbPerItem, long seed = 7)
    {
        var pages = (long)mbPerItem * 1024 * 1024 / PageBytes;
        ulong sum = 0;
        for (long i = 0; i < items; i++)
            for (long p = 0; p < pages; p++)
                sum += PageValue((ulong)seed, i, p);
        return sum;
    }

    private sealed class MemhogJob(long items, int mbPerItem, int msPerItem, int declaredMb, ulong seed) : IWorkloadJob
    {
        public long ItemCount => items;

        public WorkloadKind Kind => WorkloadKind.MemoryHeavy;

        public long MemoryPerItemBytes => (long)declaredMb * 1024 * 1024;

        public long MemoryRequestPerItemBytes => (long)mbPerItem * 1024 * 1024;

        public BatchOutput Execute(ItemRange range, CancellationToken cancellation)
        {
            ulong sum = 0;
            for (var i = range.Start; i < range.End; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                sum += RunItem(i, cancellation);
            }
            return ChecksumAggregator.Partial(sum, range.Count);
        }

        private ulong RunItem(long item, CancellationToken cancellation)
        {
            var bytes = (long)mbPerItem * 1024 * 1024;
            var pages = bytes / PageBytes;
            var memory = Marshal.AllocHGlobal((nint)bytes);
            try
            {
                // Writing every page is what makes the memory resident; an untouched allocation costs nothing.
                for (long p = 0; p < pages; p++)
                    Marshal.WriteInt64(memory + (nint)(p * PageBytes), (long)PageValue(seed, item, p));
                if (msPerItem > 0)
                    cancellation.WaitHandle.WaitOne(msPerItem);
                cancellation.ThrowIfCancellationRequested();
                ulong sum = 0;
                for (long p = 0; p < pages; p++)
                    sum += (ulong)Marshal.ReadInt64(memory + (nint)(p * PageBytes));
                return sum;
            }
            finally
            {
                Marshal.FreeHGlobal(memory);
            }
        }

        public IResultAggregator CreateAggregator() => new ChecksumAggregator();
    }
}
