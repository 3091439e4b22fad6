using System.Collections.Concurrent;
using System.Globalization;
using ActorCluster.Protocol.Processes;

namespace ActorCluster.Bench;

/// <summary>
/// A cluster of <c>actorcluster node</c> processes on loopback started by the benchmark. Every process it
/// starts is also registered in a process-wide list, so an interrupted benchmark can kill them all on its way out.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, NodeProcess> StartedNodes = new();
    private readonly string _actorCluster;
    private readonly string _dataRoot;
    private readonly List<NodeProcess> _nodes = [];
    private readonly IReadOnlyDictionary<string, string> _environment;

    /// <param name="actorCluster">The built <c>actorcluster</c> dll the nodes run.</param>
    /// <param name="environment">Variables set for every node process (on top of this process's environment).</param>
    public BenchCluster(string actorCluster, string dataRoot, IReadOnlyDictionary<string, string>? environment = null)
    {
        _actorCluster = actorCluster;
        _environment = environment ?? new Dictionary<string, string>();
        _dataRoot = dataRoot;
        Directory.CreateDirectory(dataRoot);
    }

    /// <summary>HOST:PORT of the first node, once it is up: the contact point of clients and of the other nodes.</summary>
    public string Seed => _nodes.Count > 0 && _nodes[0].HostPort is { } seed
        ? seed
        : throw new InvalidOperationException("the seed node is not up yet");

    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Starts nodes (the first one started by this cluster is the seed) and waits until all are up.</summary>
    public async Task AddAsync(params NodeSpec[] specs)
    {
        var started = new List<NodeProcess>();
        foreach (var spec in specs)
        {
            var isSeed = _nodes.Count == 0;
            var args = new List<string>
            {
                // The seed takes any free port and prints it in its `node up:` line; the others dial that.
                "node", "--port", "0",
                "--workers", spec.Workers.ToString(CultureInfo.InvariantCulture),
                "--data-dir", Path.Combine(_dataRoot, spec.Name),
                // One job store per bench cluster (coordinators are durable) and no admin host:
                // the default admin port belongs to whatever else runs on this machine.
                "--db", $"sqlite:{Path.Combine(_dataRoot, "bench.db")}",
                "--admin-port", "off",
            };
            if (!isSeed) args.AddRange(["--seed", Seed]);
            // No web host unless a scenario asks for one: it measures nodes as they run without a page open.
            if (spec.ExtraArgs?.Contains("--http-port") != true) args.AddRange(["--http-port", "off"]);
            args.AddRange(spec.ExtraArgs ?? []);
            var info = BuiltPrograms.StartInfo(_actorCluster, args);
            foreach (var (k, v) in _environment) info.Environment[k] = v;
            if (spec.PinnedCpu is { } cpu)
                info = BuiltPrograms.PinnedTo(info, cpu);
            var node = NodeProcess.Start(spec.Name, info, keepLines: 500);
            StartedNodes[node.Pid] = node;
            _nodes.Add(node);
            started.Add(node);
            if (isSeed)
                await node.WaitUpAsync(StartTimeout); // the others dial it
        }
        await Task.WhenAll(started.Select(n => n.WaitUpAsync(StartTimeout)));
    }

    public async ValueTask DisposeAsync()
    {
        // Joiners first, so the seed is not left waiting for members that vanish.
        await Task.WhenAll(Enumerable.Reverse(_nodes).Select(n => Task.Run(() =>
        {
            n.Stop(TimeSpan.FromSeconds(3)); // a benchmark's throw-away cluster: no need to wait long for a graceful leave
            StartedNodes.TryRemove(n.Pid, out _);
            n.Dispose();
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
