using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// Starts real `actorcluster node` processes for the admin specs and runs the real `pbm` against them.
/// Self-contained on purpose (other specs have their own helpers); every wait is bounded and every
/// process it starts is killed on dispose.
/// </summary>
public sealed partial class AdminTestCluster : IDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly List<AdminTestNode> _nodes = [];

    public AdminTestCluster()
    {
        DataRoot = Directory.CreateTempSubdirectory("actorcluster-admin-").FullName;
    }

    public string DataRoot { get; }

    public static string RepoRoot => ActorClusterProgram.RepoRoot;

    public static string CliDll => ActorClusterProgram.Dll;

    /// <summary>The pbm tool of the same configuration, next to the CLI's build.</summary>
    public static string PbmDll => Path.Combine(RepoRoot, "src", "ActorCluster.Pbm", "bin", ActorClusterProgram.Configuration, "net10.0", "pbm.dll");

    public IReadOnlyList<AdminTestNode> Nodes => _nodes;

    /// <summary>A seed plus joiners, all with an admin host on a free port; returns once every node is up.</summary>
    public async Task<IReadOnlyList<AdminTestNode>> StartClusterAsync(int count, params string[] extraArgs)
    {
        var seedPort = FreePort();
        var seed = StartNode(["--port", seedPort.ToString(), "--admin-port", "0", .. extraArgs]);
        await seed.WaitUpAsync(StartTimeout);
        var joiners = Enumerable.Range(1, count - 1)
            .Select(_ => StartNode(["--port", "0", "--seed", $"127.0.0.1:{seedPort}", "--admin-port", "0", .. extraArgs]))
            .ToList();
        foreach (var node in joiners)
            await node.WaitUpAsync(StartTimeout);
        return [seed, .. joiners];
    }

    public AdminTestNode StartNode(IEnumerable<string> args, IDictionary<string, string?>? environment = null)
    {
        var info = Dotnet(CliDll, ["node", "--data-dir", Path.Combine(DataRoot, $"node{_nodes.Count}"), .. args]);
        // A token in the test runner's environment must not leak into nodes that are meant to have none.
        info.Environment.Remove("ACTORCLUSTER_ADMIN_TOKEN");
        if (environment is not null)
            foreach (var (key, value) in environment) info.Environment[key] = value;
        var node = new AdminTestNode(Process.Start(info)!);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Runs `pbm` (the tool) and returns its exit code and output; killed if it runs past the timeout.</summary>
    public static async Task<PbmRun> PbmAsync(IEnumerable<string> args, TimeSpan? timeout = null, IDictionary<string, string?>? environment = null)
    {
        var info = Dotnet(PbmDll, args);
        info.Environment.Remove("ACTORCLUSTER_ADMIN_TOKEN");
        if (environment is not null)
            foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"pbm {string.Join(' ', args)} did not finish in time");
        }
        return new PbmRun(process.ExitCode, await stdout, await stderr);
    }

    public static Task<PbmRun> PbmAsync(AdminTestNode node, params string[] args) => PbmAsync([node.AdminEndpoint, .. args]);

    /// <summary>Polls a pbm command until its output satisfies the condition; returns the last run either way.</summary>
    public static async Task<PbmRun> PbmUntilAsync(AdminTestNode node, Func<PbmRun, bool> condition, TimeSpan within, params string[] args)
    {
        var until = DateTime.UtcNow + within;
        while (true)
        {
            var run = await PbmAsync(node, args);
            if (condition(run) || DateTime.UtcNow > until) return run;
            await Task.Delay(500);
        }
    }

    public static async Task<string> SubmitDetachedAsync(int seedPort, params string[] workload)
    {
        var info = Dotnet(CliDll, ["submit", "--seed", $"127.0.0.1:{seedPort}", .. workload, "--detach"]);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        Assert.True(process.ExitCode == 0, $"submit failed: {await stderr}");
        return (await stdout).Trim().Split('\n')[^1].Trim();
    }

    private static ProcessStartInfo Dotnet(string dll, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return info;
    }

    public static int FreePort() => LocalCluster.FreePort();

    public void Dispose()
    {
        var keep = Environment.GetEnvironmentVariable("ACTORCLUSTER_TEST_LOGS");
        for (var i = 0; i < _nodes.Count; i++)
        {
            _nodes[i].Dispose();
            if (!string.IsNullOrEmpty(keep))
            {
                Directory.CreateDirectory(keep);
                File.WriteAllText(Path.Combine(keep, $"{DateTime.UtcNow:HHmmss}-{Path.GetFileName(DataRoot)}-node{i}.log"), _nodes[i].Output);
            }
        }
        try { Directory.Delete(DataRoot, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public sealed record PbmRun(int ExitCode, string Stdout, string Stderr)
{
    public string[] Lines => Stdout.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
    public override string ToString() => $"exit {ExitCode}\n{Stdout}{Stderr}";
}

/// <summary>One node process; collects its output and knows its cluster address and admin endpoint once printed.</summary>
public sealed partial class AdminTestNode : IDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _admin = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AdminTestNode(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            _up.TrySetException(new InvalidOperationException("node exited before it was up:\n" + Output));
            _admin.TrySetException(new InvalidOperationException("node exited before its admin host listened:\n" + Output));
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }
    public string Address { get; private set; } = "";
    public string AdminEndpoint { get; private set; } = "";
    public int Pid => Process.Id;
    public string Output => string.Join('\n', _output);

    private void OnLine(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        if (line.StartsWith("node up: ", StringComparison.Ordinal))
        {
            Address = line["node up: ".Length..].Trim();
            _up.TrySetResult();
        }
        var admin = AdminLine().Match(line);
        if (admin.Success)
        {
            AdminEndpoint = admin.Groups[1].Value;
            _admin.TrySetResult();
        }
    }

    public async Task WaitUpAsync(TimeSpan within)
    {
        await _up.Task.WaitAsync(within);
        await _admin.Task.WaitAsync(within);
    }

    /// <summary>For nodes that run without a command host.</summary>
    public Task WaitUpAsyncWithoutAdmin(TimeSpan within) => _up.Task.WaitAsync(within);

    public async Task<bool> WaitForExitAsync(TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        try { await Process.WaitForExitAsync(cts.Token); return true; }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>RSS in KiB from /proc (Linux); null elsewhere.</summary>
    public long? ResidentKiB()
    {
        try
        {
            var line = File.ReadLines($"/proc/{Pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        catch (Exception) { return null; }
    }

    public void KillHard()
    {
        try { Process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        Process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited) KillHard();
        }
        catch (InvalidOperationException) { }
        Process.Dispose();
    }

    [GeneratedRegex(@"^admin: listening on (\S+:\d+)")]
    private static partial Regex AdminLine();
}
