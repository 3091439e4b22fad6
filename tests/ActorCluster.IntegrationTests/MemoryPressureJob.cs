using System.Text.Json.Nodes;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// One node with a 320 MB memory limit and the auto policy, and one memory-heavy job run on it to the end: run
/// once, on first use, for every spec of the class that reads it (it takes half a minute), killed on dispose.
/// </summary>
/// <remarks>
/// Node baseline RSS is about 100-120 MB; two 80 MB items on two workers bring it to about 280 MB,
/// 88% of a 320 MB limit, and one worker to about 190 MB (59%). The job under-declares 20 MB per item,
/// so the memory-aware plan starts at 2 workers and only live pressure can correct it.
/// </remarks>
public sealed class MemoryPressureJob : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), $"ac-memory-{Guid.NewGuid():N}");
    private readonly Lazy<Task<(NodeProcess Node, JsonNode Report)>> _run;
    private NodeProcess? _node;

    public MemoryPressureJob() => _run = new(RunAsync);

    /// <summary>The node and the job's report.json.</summary>
    public Task<(NodeProcess Node, JsonNode Report)> Result => _run.Value;

    private async Task<(NodeProcess, JsonNode)> RunAsync()
    {
        var port = LocalCluster.FreePort();
        _node = ActorClusterProgram.StartNode("node", ["node", "--port", port.ToString(), "--data-dir", Path.Combine(_work, "node"), "--policy", "auto"],
            new Dictionary<string, string?> { ["ACTORCLUSTER_MEMORY_LIMIT_MB"] = "320" });
        await _node.WaitUpAsync(TimeSpan.FromSeconds(60));

        var submit = await ActorClusterProgram.RunAsync(TimeSpan.FromSeconds(150), "submit", "--seed", $"127.0.0.1:{port}", "memhog", "--items", "12",
            "--mb-per-item", "80", "--ms-per-item", "2500", "--declared-mb", "20", "--output", _work, "--timeout", "120");
        Assert.True(submit.ExitCode == 0, submit.ToString());
        return (_node, JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_work, "report.json")))!);
    }

    public void Dispose()
    {
        _node?.Dispose();
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
