using System.Globalization;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// Samples, four times a second, how busy cores 0 and 1 are (/proc/stat) and how much of that the cluster's own
/// node processes used (/proc/PID/stat): the rest is other processes on the machine, which a throughput
/// measurement on pinned cores cannot tell from the cluster being slow.
/// </summary>
public sealed class CpuSampler : IAsyncDisposable
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux the tests run on
    private readonly NamespaceNetwork _network;
    private readonly NodeProcess[] _core0;
    private readonly List<(TimeSpan At, double Busy, double Ours)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public CpuSampler(NamespaceNetwork network, NodeProcess[] core0)
    {
        _network = network;
        _core0 = core0;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The node pinned to core 1, once started.</summary>
    public NodeProcess? Core1 { get; set; }

    /// <summary>The share of cores 0 and 1 (0..1) that processes other than the cluster's nodes kept busy between two times.</summary>
    public double OthersShare(TimeSpan from, TimeSpan to)
    {
        List<(TimeSpan At, double Busy, double Ours)> samples;
        lock (_samples) samples = [.. _samples];
        var first = samples.LastOrDefault(s => s.At <= from, samples[0]);
        var last = samples.LastOrDefault(s => s.At <= to, samples[^1]);
        var seconds = (last.At - first.At).TotalSeconds;
        if (seconds <= 0) return 0;
        var others = (last.Busy - first.Busy) - (last.Ours - first.Ours);
        return Math.Max(0, others / (2 * seconds));
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var sample = (_network.Now, BusySeconds(), _core0.Append(Core1).OfType<NodeProcess>().Sum(CpuSeconds));
            lock (_samples) _samples.Add(sample);
            try { await Task.Delay(250, _stop.Token); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>Non-idle time of cores 0 and 1 since boot, in seconds.</summary>
    private static double BusySeconds() =>
        File.ReadLines("/proc/stat").Where(l => l.StartsWith("cpu0 ", StringComparison.Ordinal) || l.StartsWith("cpu1 ", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray())
            .Sum(f => f.Sum() - f[3] - f[4]) / TicksPerSecond; // all but idle and iowait

    /// <summary>User and system time of a process so far, in seconds; 0 once it is gone.</summary>
    private static double CpuSeconds(NodeProcess process)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{process.Pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
