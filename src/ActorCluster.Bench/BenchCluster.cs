using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ActorCluster.Bench;

/// <summary>Builds the start info of an <c>actorcluster</c> process with the given arguments (the CLI passes its own launcher).</summary>
public delegate ProcessStartInfo ProgramLauncher(IReadOnlyList<string> args);

/// <summary>How to start one node: its extra arguments and, optionally, the CPU it is pinned to with <c>taskset</c>.</summary>
public sealed record NodeSpec(string Name, int Workers, int? PinnedCpu = null, IReadOnlyList<string>? ExtraArgs = null);

/// <summary>One <c>actorcluster node</c> process started by the benchmark.</summary>
public sealed class BenchNode
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource<string> _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal BenchNode(NodeSpec spec, Process process)
    {
        Spec = spec;
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data is null ? null : "stderr: " + e.Data);
        _process.Exited += (_, _) => _up.TrySetException(new InvalidOperationException($"node {Spec.Name} exited before it was up:\n{Log}"));
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public NodeSpec Spec { get; }

    public int Pid => _process.Id;

    public string Log => string.Join('\n', _lines.TakeLast(60));

    public bool HasExited => _process.HasExited;

    private void OnLine(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        while (_lines.Count > 500) _lines.TryDequeue(out _);
        if (line.StartsWith("node up: ", StringComparison.Ordinal))
            _up.TrySetResult(line["node up: ".Length..].Trim());
    }

    public async Task<string> WaitUpAsync(TimeSpan timeout)
    {
        try
        {
            return await _up.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"node {Spec.Name} not up within {timeout.TotalSeconds:0} s:\n{Log}");
        }
    }

    /// <summary>Resident set size in bytes from /proc (0 where /proc is unavailable).</summary>
    public long RssBytes() => ProcStatus.RssBytes(_process.Id);

    /// <summary>Bytes received and sent on this process's established TCP connections (from <c>ss</c>).</summary>
    public (long Received, long Sent) SocketBytes() => ProcStatus.SocketBytes(_process.Id);

    [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    private static extern int SysKill(int pid, int signal);

    /// <summary>SIGTERM (graceful leave), then kill -9 if it has not exited within <paramref name="grace"/>.</summary>
    public void Stop(TimeSpan grace)
    {
        try
        {
            if (_process.HasExited) return;
            if (!OperatingSystem.IsWindows()) SysKill(_process.Id, 15);
            if (OperatingSystem.IsWindows() || !_process.WaitForExit(grace))
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }
}

/// <summary>
/// A cluster of node processes on loopback started by the benchmark. Every process it starts is also
/// registered in <see cref="Started"/>, so an interrupted benchmark can kill them all on its way out.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, BenchNode> StartedNodes = new();
    private readonly ProgramLauncher _launcher;
    private readonly string _dataRoot;
    private readonly List<BenchNode> _nodes = [];
    private readonly int _seedPort;

    private readonly IReadOnlyDictionary<string, string> _environment;

    /// <param name="environment">Variables set for every node process (on top of this process's environment).</param>
    public BenchCluster(ProgramLauncher launcher, string dataRoot, IReadOnlyDictionary<string, string>? environment = null)
    {
        _launcher = launcher;
        _environment = environment ?? new Dictionary<string, string>();
        _dataRoot = dataRoot;
        _seedPort = Node.Hosting.LoopbackPorts.Free();
        Directory.CreateDirectory(dataRoot);
    }

    /// <summary>Every node any cluster started and has not yet stopped.</summary>
    public static IEnumerable<BenchNode> Started => StartedNodes.Values;

    public string Seed => $"127.0.0.1:{_seedPort}";

    public IReadOnlyList<BenchNode> Nodes => _nodes;

    public static TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Starts nodes (the first one started by this cluster is the seed) and waits until all are up.</summary>
    public async Task AddAsync(params NodeSpec[] specs)
    {
        var started = new List<BenchNode>();
        foreach (var spec in specs)
        {
            var isSeed = _nodes.Count == 0;
            var args = new List<string>
            {
                "node", "--port", isSeed ? _seedPort.ToString(CultureInfo.InvariantCulture) : "0",
                "--workers", spec.Workers.ToString(CultureInfo.InvariantCulture),
                "--data-dir", Path.Combine(_dataRoot, spec.Name),
                // One job store per bench cluster (coordinators are durable) and no admin host:
                // the default admin port belongs to whatever else runs on this machine.
                "--db", $"sqlite:{Path.Combine(_dataRoot, "bench.db")}",
                "--admin-port", "off",
            };
            if (!isSeed) args.AddRange(["--seed", Seed]);
            args.AddRange(spec.ExtraArgs ?? []);
            var info = _launcher(args);
            foreach (var (k, v) in _environment) info.Environment[k] = v;
            if (spec.PinnedCpu is { } cpu)
                info = Pinned(info, cpu);
            var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start node {spec.Name}");
            var node = new BenchNode(spec, process);
            StartedNodes[process.Id] = node;
            _nodes.Add(node);
            started.Add(node);
            if (isSeed)
                await node.WaitUpAsync(StartTimeout); // the others dial it
        }
        await Task.WhenAll(started.Select(n => n.WaitUpAsync(StartTimeout)));
    }

    /// <summary>The same program under <c>taskset -c CPU</c>: every thread of the process stays on that core.</summary>
    public static ProcessStartInfo Pinned(ProcessStartInfo info, int cpu)
    {
        var pinned = new ProcessStartInfo("taskset")
        {
            RedirectStandardOutput = info.RedirectStandardOutput,
            RedirectStandardError = info.RedirectStandardError,
            UseShellExecute = false,
            WorkingDirectory = info.WorkingDirectory,
        };
        pinned.ArgumentList.Add("-c");
        pinned.ArgumentList.Add(cpu.ToString(CultureInfo.InvariantCulture));
        pinned.ArgumentList.Add(info.FileName);
        foreach (var a in info.ArgumentList) pinned.ArgumentList.Add(a);
        foreach (var (k, v) in info.Environment) pinned.Environment[k] = v;
        return pinned;
    }

    public async ValueTask DisposeAsync()
    {
        // Joiners first, so the seed is not left waiting for members that vanish.
        await Task.WhenAll(Enumerable.Reverse(_nodes).Select(n => Task.Run(() =>
        {
            n.Stop(TimeSpan.FromSeconds(3)); // a benchmark's throw-away cluster: no need to wait for a graceful leave
            StartedNodes.TryRemove(n.Pid, out _);
        })));
        try { Directory.Delete(_dataRoot, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Last resort on Ctrl+C or process exit: kill -9 every node still running.</summary>
    public static void KillAllStarted()
    {
        foreach (var node in StartedNodes.Values)
            node.Kill();
        StartedNodes.Clear();
    }

}

/// <summary>Reads a process's memory and I/O counters from /proc (Linux); zero elsewhere.</summary>
public static class ProcStatus
{
    public static long RssBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }

    /// <summary>
    /// Sums <c>bytes_received</c> and <c>bytes_sent</c> over the established TCP connections of a process, as
    /// <c>ss -tinp</c> reports them (socket I/O does not show in /proc/PID/io). Zero when <c>ss</c> is missing.
    /// </summary>
    public static (long Received, long Sent) SocketBytes(int pid)
    {
        try
        {
            var info = new System.Diagnostics.ProcessStartInfo("ss", "-tinpH state established") { RedirectStandardOutput = true, UseShellExecute = false };
            using var ss = System.Diagnostics.Process.Start(info)!;
            var output = ss.StandardOutput.ReadToEnd();
            ss.WaitForExit(5000);
            return ParseSocketBytes(output, pid);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return (0, 0);
        }
    }

    /// <summary>Parses <c>ss -tinpH</c> output: a connection line naming its process, then a line of TCP counters.</summary>
    public static (long Received, long Sent) ParseSocketBytes(string ssOutput, int pid)
    {
        long received = 0, sent = 0;
        var owned = false;
        var marker = $"pid={pid.ToString(CultureInfo.InvariantCulture)},";
        foreach (var line in ssOutput.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (!char.IsWhiteSpace(line[0]))
            {
                owned = line.Contains(marker, StringComparison.Ordinal);
                continue;
            }
            if (!owned) continue;
            received += Counter(line, "bytes_received:");
            sent += Counter(line, "bytes_sent:");
        }
        return (received, sent);
    }

    private static long Counter(string line, string name)
    {
        var at = line.IndexOf(name, StringComparison.Ordinal);
        if (at < 0) return 0;
        var start = at + name.Length;
        var end = start;
        while (end < line.Length && char.IsDigit(line[end])) end++;
        return long.TryParse(line.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
    }

    /// <summary>Total CPU time (user + system) of a process in seconds, from /proc/PID/stat.</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[11] = utime, fields[12] = stime (0-based after the command name), in clock ticks
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}
