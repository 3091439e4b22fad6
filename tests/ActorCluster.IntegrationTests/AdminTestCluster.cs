using System.Text.RegularExpressions;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// Starts real `actorcluster node` processes with admin hosts for the admin specs and runs the real `pbm`
/// against them. Every wait is bounded and every process it starts is killed on dispose.
/// </summary>
public sealed partial class AdminTestCluster : IDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly List<NodeProcess> _nodes = [];

    public AdminTestCluster()
    {
        DataRoot = Directory.CreateTempSubdirectory("actorcluster-admin-").FullName;
    }

    public string DataRoot { get; }

    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    /// <summary>A seed plus joiners, all with an admin host on a free port; returns once every node is up and listening.</summary>
    public async Task<IReadOnlyList<NodeProcess>> StartClusterAsync(int count, params string[] extraArgs)
    {
        var seedPort = FreePort();
        var seed = StartNode(["--port", seedPort.ToString(), "--admin-port", "0", .. extraArgs]);
        await WaitUpWithAdminAsync(seed);
        var joiners = Enumerable.Range(1, count - 1)
            .Select(_ => StartNode(["--port", "0", "--seed", $"127.0.0.1:{seedPort}", "--admin-port", "0", .. extraArgs]))
            .ToList();
        foreach (var node in joiners)
            await WaitUpWithAdminAsync(node);
        return [seed, .. joiners];
    }

    public NodeProcess StartNode(IEnumerable<string> args, IDictionary<string, string?>? environment = null)
    {
        var name = $"node{_nodes.Count}";
        var node = ActorClusterProgram.StartNode(name, ["node", "--data-dir", Path.Combine(DataRoot, name), .. args], environment);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Waits for the node's `node up:` line and then for its admin host's `admin: listening on` line.</summary>
    public static async Task WaitUpWithAdminAsync(NodeProcess node)
    {
        await node.WaitUpAsync(StartTimeout);
        await node.WaitForLineAsync(l => AdminLine().IsMatch(l), StartTimeout);
    }

    /// <summary>HOST:PORT of the node's admin host, as it printed it.</summary>
    public static string AdminEndpoint(NodeProcess node) =>
        node.Lines.Select(l => AdminLine().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value
        ?? throw new InvalidOperationException($"{node.Name} printed no admin endpoint:\n{node.Log}");

    /// <summary>Runs `pbm` (the tool) and returns its exit code and output; killed if it runs past the timeout.</summary>
    public static Task<CommandResult> PbmAsync(IEnumerable<string> args, TimeSpan? timeout = null, IDictionary<string, string?>? environment = null) =>
        ActorClusterProgram.RunAsync(ActorClusterProgram.StartInfo(ActorClusterProgram.PbmDll, args, environment), timeout ?? TimeSpan.FromSeconds(60));

    public static Task<CommandResult> PbmAsync(NodeProcess node, params string[] args) => PbmAsync([AdminEndpoint(node), .. args]);

    /// <summary>Polls a pbm command until its output satisfies the condition and returns that run; fails the test with the last run if it never does.</summary>
    public static async Task<CommandResult> PbmUntilAsync(NodeProcess node, Func<CommandResult, bool> condition, TimeSpan within, params string[] args)
    {
        var until = DateTime.UtcNow + within;
        while (true)
        {
            var run = await PbmAsync(node, args);
            if (condition(run)) return run;
            Assert.True(DateTime.UtcNow < until, $"`pbm {string.Join(' ', args)}` did not show the expected output within {within.TotalSeconds:0} s; last run:\n{run}");
            await Task.Delay(500);
        }
    }

    public static async Task<string> SubmitDetachedAsync(int seedPort, params string[] workload)
    {
        var submit = await ActorClusterProgram.RunAsync(TimeSpan.FromSeconds(60), ["submit", "--seed", $"127.0.0.1:{seedPort}", .. workload, "--detach"]);
        Assert.True(submit.ExitCode == 0, $"submit failed: {submit}");
        return submit.Stdout.Trim().Split('\n')[^1].Trim();
    }

    public static int FreePort() => LocalCluster.FreePort();

    public void Dispose()
    {
        var keep = Environment.GetEnvironmentVariable("ACTORCLUSTER_TEST_LOGS");
        foreach (var node in _nodes)
        {
            node.Dispose();
            if (!string.IsNullOrEmpty(keep))
            {
                Directory.CreateDirectory(keep);
                File.WriteAllText(Path.Combine(keep, $"{DateTime.UtcNow:HHmmss}-{Path.GetFileName(DataRoot)}-{node.Name}.log"), node.Log);
            }
        }
        try { Directory.Delete(DataRoot, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [GeneratedRegex(@"^admin: listening on (\S+:\d+)")]
    private static partial Regex AdminLine();
}
