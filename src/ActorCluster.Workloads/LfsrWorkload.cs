using System.Buffers.Binary;
using System.Numerics;
using System.Text.Json.Nodes;
using ActorCluster.Abstractions;

namespace ActorCluster.Workloads;

/// <summary>
/// Finds the tap masks of an N-bit Fibonacci LFSR that give the maximal period 2^N - 1.
/// Item i is the mask <c>i | 1 &lt;&lt; (N-1)</c>: bit k stands for tap k+1, and tap N (the bit shifted
/// out) is always present so the register is a permutation and state 1 always comes back.
/// This is the tiny-task CPU-bound case: each item is a tight loop of at most 2^N steps.
/// </summary>
public sealed class LfsrWorkload : IWorkload
{
    public const int MinDegree = 2;
    public const int MaxDegree = 32;

    public string Name => "lfsr";

    private static readonly WorkloadOption<int> Degree = WorkloadOption.Int32("degree", "N", "bits of the register", MinDegree, MaxDegree);

    public string Description => "maximal-period tap masks of an N-bit Fibonacci LFSR";

    public IReadOnlyList<WorkloadOption> Options => [Degree];

    public IWorkloadJob Prepare(IReadOnlyList<string> args)
    {
        var parsed = new WorkloadArguments(Name, args);
        var degree = parsed.Get(Degree);
        parsed.RejectUnknown();
        return new LfsrJob(degree);
    }

    /// <summary>True when the register with this tap mask cycles through all 2^N - 1 non-zero states.</summary>
    public static bool HasMaximalPeriod(int degree, uint mask)
    {
        var full = degree == 32 ? uint.MaxValue : (1u << degree) - 1;
        var maximal = (1UL << degree) - 1;
        uint state = 1;
        for (ulong step = 1; step <= maximal; step++)
        {
            var feedback = (uint)BitOperations.PopCount(state & mask) & 1u;
            state = ((state << 1) | feedback) & full;
            if (state == 1)
                return step == maximal;
        }
        return false;
    }

    private sealed class LfsrJob(int degree) : IWorkloadJob
    {
        private readonly uint _highestTap = 1u << (degree - 1);

        public long ItemCount => 1L << (degree - 1);

        public WorkloadKind Kind => WorkloadKind.CpuBound;

        public long MemoryPerItemBytes => 0;

        public BatchOutput Execute(ItemRange range, CancellationToken cancellation)
        {
            var found = new List<uint>();
            for (var i = range.Start; i < range.End; i++)
            {
                if ((i & 63) == 0)
                    cancellation.ThrowIfCancellationRequested();
                var mask = (uint)i | _highestTap;
                if (HasMaximalPeriod(degree, mask))
                    found.Add(mask);
            }
            var bytes = new byte[found.Count * 4];
            for (var k = 0; k < found.Count; k++)
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(k * 4), found[k]);
            return bytes;
        }

        public IResultAggregator CreateAggregator() => new LfsrAggregator();
    }

    private sealed class LfsrAggregator : IResultAggregator
    {
        private readonly List<uint> _taps = [];

        public void Add(ItemRange range, ReadOnlySpan<byte> partial)
        {
            for (var offset = 0; offset + 4 <= partial.Length; offset += 4)
                _taps.Add(BinaryPrimitives.ReadUInt32LittleEndian(partial[offset..]));
        }

        public JsonObject ToJson()
        {
            _taps.Sort();
            var taps = new JsonArray();
            foreach (var tap in _taps)
                taps.Add(tap);
            return new JsonObject { ["maximalCount"] = _taps.Count, ["maximalTaps"] = taps };
        }

        public byte[] Save()
        {
            var bytes = new byte[_taps.Count * 4];
            for (var k = 0; k < _taps.Count; k++)
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(k * 4), _taps[k]);
            return bytes;
        }

        public void Load(ReadOnlySpan<byte> saved)
        {
            _taps.Clear();
            Add(default, saved);
        }
    }
}
