using System.Collections.Concurrent;
using ActorCluster.Abstractions;

namespace ActorCluster.Node.Tests.Agents;

/// <summary>
/// A test workload that lets a spec see and steer what the agent's workers do. Every run is tied to a
/// <see cref="Gauge"/> by name (so specs running in parallel never share one):
/// <list type="bullet">
/// <item>batches overlapping [--hold-from, --hold-until) block until the spec opens the gauge's gate;</item>
/// <item>the others sleep --ms per batch (0: they take a few microseconds);</item>
/// <item>the gauge counts batches executed and the most that ran at once;</item>
/// <item>with --stall yes, preparing the job blocks the agent (which prepares jobs on its own thread)
/// until the spec releases it, then fails as bad arguments, so no job is added.</item>
/// </list>
/// Args: <c>--name N [--items N] [--ms M] [--hold-from A --hold-until B] [--stall yes]</c>.
/// </summary>
public sealed class HoldWorkload : IWorkload
{
    private static readonly ConcurrentDictionary<string, Gauge> Gauges = new();

    /// <summary>Long enough for any slow machine, short enough that a spec that forgets to open a gate fails instead of hanging.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    public string Name => "hold";

    public string Description => "hold --name N [--items N] [--ms M] [--hold-from A --hold-until B] [--stall yes]";

    public static Gauge For(string name) => Gauges.GetOrAdd(name, _ => new Gauge());

    public IWorkloadJob Prepare(IReadOnlyList<string> args)
    {
        var a = new WorkloadArguments(Name, args);
        var gauge = For(a.GetString("name", null));
        var items = a.GetInt64("items", 1_000_000, 1, long.MaxValue);
        var ms = a.GetInt32("ms", 0, 0, 10_000);
        var holdFrom = a.GetInt64("hold-from", 0, 0, long.MaxValue);
        var holdUntil = a.GetInt64("hold-until", 0, 0, long.MaxValue);
        var stall = a.GetString("stall", "no") == "yes";
        a.RejectUnknown();
        if (stall)
        {
            gauge.Stalled.Set();
            gauge.Release.Wait(Bound);
            throw new WorkloadArgumentException("hold: stalled on purpose");
        }
        return new Job(gauge, items, ms, holdFrom, holdUntil);
    }

    public sealed class Gauge
    {
        private int _running;
        private int _maxRunning;
        private int _executed;

        /// <summary>Opens for good: held batches (and any later ones) run through.</summary>
        public ManualResetEventSlim Gate { get; } = new();

        /// <summary>Set once the agent is inside a stalled prepare.</summary>
        public ManualResetEventSlim Stalled { get; } = new();

        /// <summary>Lets a stalled prepare return (and fail).</summary>
        public ManualResetEventSlim Release { get; } = new();

        public int Running => Volatile.Read(ref _running);
        public int MaxRunning => Volatile.Read(ref _maxRunning);
        public int Executed => Volatile.Read(ref _executed);

        public void OpenEverything()
        {
            Gate.Set();
            Release.Set();
        }

        internal void Enter()
        {
            var now = Interlocked.Increment(ref _running);
            int max;
            while (now > (max = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, now, max) != max) { }
        }

        internal void Exit()
        {
            Interlocked.Decrement(ref _running);
            Interlocked.Increment(ref _executed);
        }
    }

    private sealed class Job(Gauge gauge, long items, int ms, long holdFrom, long holdUntil) : IWorkloadJob
    {
        public long ItemCount => items;
        public WorkloadKind Kind => WorkloadKind.CpuBound;
        public long MemoryPerItemBytes => 0;

        public BatchOutput Execute(ItemRange range, CancellationToken cancellation)
        {
            gauge.Enter();
            try
            {
                if (range.Start < holdUntil && range.End > holdFrom && !gauge.Gate.Wait(Bound, cancellation))
                    throw new TimeoutException($"batch {range} was held and never let go");
                if (ms > 0) Thread.Sleep(ms);
                return BitConverter.GetBytes(range.Count);
            }
            finally
            {
                gauge.Exit();
            }
        }

        public IResultAggregator CreateAggregator() => throw new NotSupportedException();
    }
}
