using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ActorCluster.Protocol.Processes;

/// <summary>
/// One <c>actorcluster node</c> process started by the demo, the bench or a test: its output is kept line by
/// line, <see cref="WaitUpAsync"/> waits for its <c>node up:</c> line, <see cref="Stop"/> lets it leave the
/// cluster (SIGTERM) before killing it, and disposing it kills whatever is still running.
/// </summary>
public sealed class NodeProcess : IDisposable
{
    /// <summary>What a node prints, followed by its Akka address, once it is a cluster member.</summary>
    public const string UpPrefix = "node up: ";

    /// <summary>What <see cref="Lines"/> puts before a line of standard error.</summary>
    public const string ErrorPrefix = "stderr: ";

    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource<string> _up = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<string>? _onLine;
    private readonly int _keepLines;

    private NodeProcess(string name, Process process, Action<string>? onLine, int keepLines)
    {
        Name = name;
        _process = process;
        _onLine = onLine;
        _keepLines = keepLines;
    }

    /// <summary>
    /// Starts <paramref name="info"/> (see <see cref="BuiltPrograms"/>; its output must be redirected).
    /// <paramref name="onLine"/> sees every line as it arrives, standard error prefixed with <c>stderr: </c>;
    /// only the last <paramref name="keepLines"/> lines are kept.
    /// </summary>
    public static NodeProcess Start(string name, ProcessStartInfo info, Action<string>? onLine = null, int keepLines = 10_000)
    {
        if (!info.RedirectStandardOutput || !info.RedirectStandardError)
            throw new ArgumentException("a node's standard output and error must be redirected", nameof(info));
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var node = new NodeProcess(name, process, onLine, keepLines);
        process.OutputDataReceived += (_, e) => node.OnLine(e.Data, error: false);
        process.ErrorDataReceived += (_, e) => node.OnLine(e.Data, error: true);
        process.Exited += (_, _) => node.OnExited();
        if (!process.Start())
            throw new InvalidOperationException($"could not start {name} ({info.FileName})");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The node's Akka address (<c>akka.tcp://actorcluster@HOST:PORT</c>), known once it printed <c>node up:</c>.</summary>
    public string? Address => _up.Task.IsCompletedSuccessfully ? _up.Task.Result : null;

    /// <summary>HOST:PORT of <see cref="Address"/>: what <c>--seed</c> takes.</summary>
    public string? HostPort => Address is { } a ? a[(a.IndexOf('@') + 1)..] : null;

    /// <summary>Both output streams in arrival order; standard error lines start with <c>stderr: </c>.</summary>
    public IReadOnlyList<string> Lines => _lines.ToArray();

    public string Log => string.Join('\n', _lines);

    private void OnLine(string? line, bool error)
    {
        if (line is null) return;
        var kept = error ? ErrorPrefix + line : line;
        _lines.Enqueue(kept);
        while (_lines.Count > _keepLines) _lines.TryDequeue(out _);
        if (!error && line.StartsWith(UpPrefix, StringComparison.Ordinal))
        {
            _up.TrySetResult(line[UpPrefix.Length..].Trim());
        }
        _onLine?.Invoke(kept);
    }

    private void OnExited()
    {
        // Exited can come before the last lines are read: let the readers reach the end of the output first
        // (bounded: a child process could hold the pipe open).
        _ = _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ =>
        {
            _up.TrySetException(new InvalidOperationException($"{Name} exited with {ExitCodeText()} before it was up:\n{Tail()}"));
            _exited.TrySetResult();
        }, TaskScheduler.Default);
    }

    /// <summary>Waits for <c>node up:</c> and returns the address; throws with the node's output if it exits first or takes too long.</summary>
    public async Task<string> WaitUpAsync(TimeSpan timeout)
    {
        try
        {
            return await _up.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} not up within {timeout.TotalSeconds:0} s:\n{Tail()}");
        }
    }

    /// <summary>The first line (kept so far or still to come) that matches; throws with the output if none does in time.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_lines.FirstOrDefault(match) is { } line) return line;
            if (_exited.Task.IsCompleted)
                throw new InvalidOperationException($"{Name} exited with {ExitCodeText()} before printing the expected line:\n{Tail()}");
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"{Name}: expected line not seen within {timeout.TotalSeconds:0} s:\n{Tail()}");
            await Task.Delay(50);
        }
    }

    /// <summary>True once the process has exited and its output is read to the end; false if it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _exited.Task.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    private static extern int SysKill(int pid, int signal);

    /// <summary>
    /// SIGTERM (the node leaves the cluster gracefully); true if it exited within <paramref name="grace"/>.
    /// Windows has no SIGTERM: there the process is killed at once.
    /// </summary>
    private bool Terminate(TimeSpan grace)
    {
        try
        {
            if (_process.HasExited) return true;
            if (OperatingSystem.IsWindows())
                _process.Kill(entireProcessTree: true);
            else
                SysKill(_process.Id, SigTerm);
            return _process.WaitForExit(grace);
        }
        catch (InvalidOperationException)
        {
            return true; // never started or already reaped
        }
    }

    /// <summary>SIGTERM, then kill if it has not exited within <paramref name="grace"/>.</summary>
    public void Stop(TimeSpan grace)
    {
        if (!Terminate(grace)) Kill();
    }

    /// <summary>kill -9 of the process and its children: the node vanishes without leaving the cluster.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
        }
    }

    /// <summary>Resident set size in bytes from /proc (Linux); null where it cannot be read.</summary>
    public long? ResidentBytes()
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private string ExitCodeText()
    {
        try { return _process.ExitCode.ToString(CultureInfo.InvariantCulture); }
        catch (InvalidOperationException) { return "?"; }
    }

    private string Tail() => string.Join('\n', _lines.TakeLast(60));

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
