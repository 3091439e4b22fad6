using System.Collections.Concurrent;
using ActorCluster.Abstractions;

namespace ActorCluster.Node.Tests.Agents;

/// <summary>
/// A test workload whose batches block until the test opens their gate, so batches are provably in
/// flight while the agent resizes. Args: <c>--gate NAME --kind cpu|io|memory --mb N</c>.
/// </summary>
public sealed class GateWorkload : IWorkload
{
    private static readonly ConcurrentDictionary<string, ManualResetEventSlim> Gates = new();

    public string Name => "gate";

    public string Description => "gate --gate NAME --kind cpu|io|memory --mb N --items N";

    public static void Open(string gate) => Gate(gate).Set();

    private static ManualResetEventSlim Gate(string name) => Gates.GetOrAdd(name, _ => new ManualResetEventSlim());

    public IWorkloadJob Prepare(IReadOnlyList<string> args)
    {
        var parsed = new WorkloadArguments(Name, args);
        var gate = parsed.GetString("gate", null);
        var kind = parsed.GetString("kind", "cpu") switch
        {
            "io" => WorkloadKind.IoBound,
            "memory" => WorkloadKind.MemoryHeavy,
            _ => WorkloadKind.CpuBound,
        };
        var mb = parsed.GetInt64("mb", 0, 0, 1 << 20);
        var items = parsed.GetInt64("items", 1000, 1, long.MaxValue);
        parsed.RejectUnknown();
        return new GateJob(gate, kind, mb * 1024 * 1024, items);
    }

    private sealed class GateJob(string gate, WorkloadKind kind, long memoryPerItem, long items) : IWorkloadJob
    {
        public long ItemCount => items;
        public WorkloadKind Kind => kind;
        public long MemoryPerItemBytes => memoryPerItem;

        public BatchOutput Execute(ItemRange range, CancellationToken cancellation)
        {
            // Bounded: a test that forgets to open the gate fails instead of hanging.
            if (!Gate(gate).Wait(TimeSpan.FromSeconds(20), cancellation))
                throw new TimeoutException($"gate {gate} never opened");
            return BitConverter.GetBytes(range.Count);
        }

        public IResultAggregator CreateAggregator() => throw new NotSupportedException();
    }
}
