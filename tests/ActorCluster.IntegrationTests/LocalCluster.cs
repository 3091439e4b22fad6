using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace ActorCluster.IntegrationTests;

/// <summary>Finds and runs the real `actorcluster` program built next to these tests.</summary>
public static class ActorClusterProgram
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Debug or Release: the configuration this test assembly was built in.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    /// <summary>The Cli build of the same configuration as this test assembly.</summary>
    public static string Dll { get; } = Path.Combine(RepoRoot, "src", "ActorCluster.Cli", "bin", Configuration, "net10.0", "actorcluster.dll");

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ActorCluster.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find ActorCluster.sln above the test directory");
    }

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot,
        };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) info.Environment[k] = v;
        return info;
    }

    /// <summary>Runs a command to completion (killed after <paramref name="timeout"/>).</summary>
    public static async Task<CommandResult> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`actorcluster {string.Join(' ', args)}` did not finish within {timeout}; output so far: {await stdout}");
        }
        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }
}

public sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>One `actorcluster node` process; its output is kept for assertions and diagnostics.</summary>
public sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    public NodeProcess(string name, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        Name = name;
        _process = Process.Start(ActorClusterProgram.StartInfo(args, env))!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue("stderr: " + e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The node's Akka address, known once it printed "node up:".</summary>
    public string? Address { get; private set; }

    public IEnumerable<string> Lines => _lines;

    public string Log => string.Join('\n', _lines);

    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var line = _lines.FirstOrDefault(match);
            if (line is not null) return line;
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:\n{Log}");
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Name}: expected line not seen within {timeout}:\n{Log}");
    }

    public async Task WaitUpAsync(TimeSpan timeout)
    {
        var line = await WaitForLineAsync(l => l.StartsWith("node up: ", StringComparison.Ordinal), timeout);
        Address = line["node up: ".Length..].Trim();
    }

    /// <summary>kill -9: the node vanishes without leaving the cluster.</summary>
    public void KillHard()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    private static extern int SysKill(int pid, int signal);

    /// <summary>SIGTERM: the node leaves the cluster gracefully.</summary>
    public bool Terminate(TimeSpan timeout)
    {
        if (_process.HasExited) return true;
        SysKill(_process.Id, 15);
        return _process.WaitForExit(timeout);
    }

    public void Dispose()
    {
        try
        {
            if (!Terminate(TimeSpan.FromSeconds(3))) KillHard();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}

/// <summary>A cluster of node processes on loopback with its own temp data directory; disposed = all killed.</summary>
public sealed class LocalCluster : IDisposable
{
    private readonly string _dataRoot;
    private readonly List<NodeProcess> _nodes = [];
    private readonly string[] _extraArgs;
    private readonly List<(string Name, string[] Args)> _launched = [];

    private LocalCluster(int seedPort, string[] extraArgs, string dataRoot)
    {
        SeedPort = seedPort;
        _extraArgs = extraArgs;
        _dataRoot = dataRoot;
    }

    /// <summary>`--db` for one SQLite file shared by every node of this cluster (coordinators can fail over).</summary>
    public const string SharedSqlite = "shared-sqlite";

    public int SeedPort { get; }

    public string Seed => $"127.0.0.1:{SeedPort}";

    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    public string DataRoot => _dataRoot;

    /// <summary>Starts a seed and <paramref name="joiners"/> more nodes and waits until all are up.</summary>
    public static Task<LocalCluster> StartAsync(int joiners, params string[] extraArgs) => StartAsync(joiners, db: null, extraArgs);

    /// <summary>
    /// As above with a job store for every node: null = each node its own SQLite file, <see cref="SharedSqlite"/>
    /// = one SQLite file for all, anything else = that store (a PostgreSQL connection string).
    /// </summary>
    public static async Task<LocalCluster> StartAsync(int joiners, string? db, params string[] extraArgs)
    {
        var dataRoot = Directory.CreateTempSubdirectory("actorcluster-it-").FullName;
        var storeArgs = db switch
        {
            null => Array.Empty<string>(),
            SharedSqlite => ["--db", $"sqlite:{Path.Combine(dataRoot, "cluster.db")}"],
            _ => ["--db", db],
        };
        var cluster = new LocalCluster(FreePort(), [.. storeArgs, .. extraArgs], dataRoot);
        try
        {
            var seed = cluster.Launch("seed", ["--port", cluster.SeedPort.ToString()]);
            await seed.WaitUpAsync(TimeSpan.FromSeconds(60));
            var others = Enumerable.Range(1, joiners).Select(_ => cluster.AddNode()).ToList();
            foreach (var node in others) await node.WaitUpAsync(TimeSpan.FromSeconds(60));
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Starts one more node joining through the seed (not awaited: call WaitUpAsync).</summary>
    public NodeProcess AddNode(params string[] args) =>
        Launch($"node{_nodes.Count}", ["--port", "0", "--seed", Seed, .. args]);

    private NodeProcess Launch(string name, string[] args)
    {
        // Admin hosts on any free port: the default 9110 belongs to whoever starts first on this machine.
        var node = new NodeProcess(name, ["node", "--data-dir", Path.Combine(_dataRoot, name), "--admin-port", "0", .. args, .. _extraArgs]);
        _nodes.Add(node);
        _launched.Add((name, args));
        return node;
    }

    /// <summary>kill -9 every node at once: the whole cluster stops mid-whatever.</summary>
    public void KillAll()
    {
        Parallel.ForEach(_nodes, node => node.KillHard());
    }

    /// <summary>
    /// Starts every node launched so far again, with the same names, data directories, store and seed port,
    /// and waits until all are up. The old processes stay in <see cref="AllProcesses"/> for their logs.
    /// </summary>
    public async Task RestartAllAsync()
    {
        _previous.AddRange(_nodes);
        _nodes.Clear();
        var launches = _launched.ToList();
        _launched.Clear();
        var seed = Launch(launches[0].Name, launches[0].Args);
        await seed.WaitUpAsync(TimeSpan.FromSeconds(60));
        var others = launches.Skip(1).Select(l => Launch(l.Name, l.Args)).ToList();
        foreach (var node in others) await node.WaitUpAsync(TimeSpan.FromSeconds(60));
    }

    private readonly List<NodeProcess> _previous = [];

    public IEnumerable<NodeProcess> AllProcesses => _previous.Concat(_nodes);

    /// <summary>Runs an `actorcluster` command against this cluster, with every live node as a contact point.</summary>
    public Task<CommandResult> RunAsync(TimeSpan timeout, params string[] args) =>
        // Right after the command: `submit` gives options after the workload name to the workload.
        ActorClusterProgram.RunAsync(timeout, [args[0], .. ContactArgs(), .. args.Skip(1)]);

    private IEnumerable<string> ContactArgs() =>
        _nodes.Where(n => !n.HasExited && n.Address is not null)
            .SelectMany(n => new[] { "--seed", n.Address![(n.Address!.IndexOf('@') + 1)..] });

    /// <summary>Runs `actorcluster submit --seed ... --output DIR` and returns the result plus the parsed report (if any).</summary>
    public async Task<(CommandResult Result, JsonObject? Report)> SubmitAsync(TimeSpan timeout, params string[] workloadArgs)
    {
        var output = Path.Combine(_dataRoot, "out-" + Guid.NewGuid().ToString("N")[..8]);
        var result = await ActorClusterProgram.RunAsync(timeout, ["submit", "--seed", Seed, .. workloadArgs, "--output", output]);
        var reportPath = Path.Combine(output, "report.json");
        var report = File.Exists(reportPath) ? JsonNode.Parse(await File.ReadAllTextAsync(reportPath))!.AsObject() : null;
        return (result, report);
    }

    public string Logs => string.Join("\n\n", AllProcesses.Select(n => $"--- {n.Name} ({n.Address}) ---\n{n.Log}"));

    public static int FreePort() => ActorCluster.Node.Hosting.LoopbackPorts.Free();

    public void Dispose()
    {
        // Stop joiners before the seed so the last one is not left waiting for a dead leader.
        Parallel.ForEach(Enumerable.Reverse(_nodes).Concat(_previous), node => node.Dispose());
        try { Directory.Delete(_dataRoot, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
