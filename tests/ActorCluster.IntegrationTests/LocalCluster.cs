using System.Text.Json.Nodes;

namespace ActorCluster.IntegrationTests;

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

    /// <summary>As <see cref="AddNode"/>, without the arguments every other node of this cluster got (a node set up unlike the rest).</summary>
    public NodeProcess AddNodeWithoutExtraArgs(params string[] args) =>
        Launch($"node{_nodes.Count}", ["--port", "0", "--seed", Seed, .. args], withExtraArgs: false);

    private NodeProcess Launch(string name, string[] args, bool withExtraArgs = true)
    {
        // Admin hosts on any free port: the default 9110 belongs to whoever starts first on this machine.
        var node = ActorClusterProgram.StartNode(name, ["node", "--data-dir", Path.Combine(_dataRoot, name), "--admin-port", "0", .. args, .. withExtraArgs ? _extraArgs : []]);
        _nodes.Add(node);
        _launched.Add((name, args));
        return node;
    }

    /// <summary>kill -9 every node at once: the whole cluster stops mid-whatever.</summary>
    public void KillAll()
    {
        Parallel.ForEach(_nodes, node => node.Kill());
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
        _nodes.Where(n => !n.HasExited && n.HostPort is not null)
            .SelectMany(n => new[] { "--seed", n.HostPort! });

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
        Parallel.ForEach(Enumerable.Reverse(_nodes).Concat(_previous), node =>
        {
            node.Stop(TimeSpan.FromSeconds(3));
            node.Dispose();
        });
        try { Directory.Delete(_dataRoot, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
