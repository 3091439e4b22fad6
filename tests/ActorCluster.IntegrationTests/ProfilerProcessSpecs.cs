using System.Text.Json.Nodes;
using ActorCluster.Workloads;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// The profiler on real node processes: a node pinned to one core with taskset (cgroups cannot be created
/// on the test machines) runs one CPU-bound worker, and a node with a low memory limit shrinks its pool
/// under a memory-heavy job without losing an item. Every wait is bounded; every process is killed.
/// </summary>
public sealed class ProfilerProcessSpecs(MemoryPressureJob memoryPressure) : IClassFixture<MemoryPressureJob>, IDisposable
{
    private const string NoTaskset = "needs taskset (util-linux on Linux) to pin a process to one core";
    private readonly List<NodeProcess> _nodes = [];
    private readonly string _work = Path.Combine(Path.GetTempPath(), $"ac-profiler-{Guid.NewGuid():N}");

    public void Dispose()
    {
        foreach (var node in _nodes) node.Dispose();
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [SkippableFact]
    public async Task Should_run_one_cpu_bound_worker_on_a_node_pinned_to_one_core()
    {
        Skip.IfNot(BuiltPrograms.CanPin, NoTaskset);
        var port = LocalCluster.FreePort();
        var node = StartNode(["node", "--port", port.ToString(), "--data-dir", Path.Combine(_work, "node")], pinToCpu: 0);
        await node.WaitUpAsync(TimeSpan.FromSeconds(60));

        var submit = await ActorClusterProgram.RunAsync(TimeSpan.FromSeconds(90), "submit", "--seed", $"127.0.0.1:{port}", "lfsr", "--degree", "12",
            "--output", _work, "--timeout", "60");
        Assert.Equal(0, submit.ExitCode);
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(_work, "report.json")))!;

        Assert.Contains("workers=1 (cpu-bound: 1 effective cores (", LineStartingWith(node, "node starting"));
        Assert.Contains("1 in affinity set", LineStartingWith(node, "node starting"));
        Assert.Equal("Completed", report["status"]!.GetValue<string>());
        Assert.Equal(1, report["nodes"]![0]!["workers"]!.GetValue<int>());
    }

    [SkippableFact]
    public async Task Should_report_one_effective_core_in_profile_when_pinned_to_one_core()
    {
        Skip.IfNot(BuiltPrograms.CanPin, NoTaskset);
        var pinned = BuiltPrograms.PinnedTo(ActorClusterProgram.StartInfo(ActorClusterProgram.Dll, ["profile", "--json"]), 0);
        var profile = await ActorClusterProgram.RunAsync(pinned, TimeSpan.FromSeconds(60));
        Assert.Equal(0, profile.ExitCode);

        var json = JsonNode.Parse(profile.Stdout)!;

        Assert.Equal(1, json["snapshot"]!["effectiveCores"]!.GetValue<int>());
        Assert.Equal(1, json["byKind"]!["cpu-bound"]!["workers"]!.GetValue<int>());
    }

    [Fact]
    public async Task Should_refuse_to_start_a_node_with_an_invalid_setting_naming_it_and_its_source()
    {
        var start = ActorClusterProgram.StartInfo(ActorClusterProgram.Dll, ["node", "--port", "0", "--data-dir", Path.Combine(_work, "bad")],
            new Dictionary<string, string?> { ["ACTORCLUSTER_WORKERS"] = "0" });

        var node = await ActorClusterProgram.RunAsync(start, TimeSpan.FromSeconds(60));

        Assert.Equal(2, node.ExitCode);
        Assert.Contains("error: node: ACTORCLUSTER_WORKERS (environment variable) must be at least 1, got '0'", node.StderrLines);
        Assert.DoesNotContain(node.Lines, l => l.StartsWith("node starting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_shrink_the_pool_under_memory_pressure_complete_and_lose_nothing()
    {
        var (node, report) = await memoryPressure.Result;

        Assert.Equal("Completed", report["status"]!.GetValue<string>());
        Assert.Equal(12, report["itemsCompleted"]!.GetValue<long>());
        Assert.Equal(MemhogWorkload.ExpectedChecksum(12, 80).ToString("x16"), report["result"]!["checksum"]!.GetValue<string>());
        Assert.Contains(node.Lines, l => l.Contains("memory pressure: shrink") && l.Contains("of node limit") && l.Contains("pool 2 -> 1"));
        Assert.Contains(node.Lines, l => l.Contains("pool 2 -> 1 workers"));
    }

    [Fact]
    public async Task Should_show_the_resize_events_in_report_json()
    {
        var (_, report) = await memoryPressure.Result;

        var profile = report["nodes"]![0]!["profile"]!;
        Assert.Equal("memory-aware", profile["policy"]!.GetValue<string>());
        Assert.Contains(profile["resizes"]!.AsArray(), r => r!["action"]!.GetValue<string>() == "shrink" && r["to"]!.GetValue<int>() == 1);
        Assert.True(profile["peakRssMb"]!.GetValue<long>() > 200);
    }

    private NodeProcess StartNode(IReadOnlyList<string> args, int? pinToCpu = null)
    {
        var node = ActorClusterProgram.StartNode("node", args, pinToCpu: pinToCpu);
        _nodes.Add(node);
        return node;
    }

    private static string LineStartingWith(NodeProcess node, string prefix) => node.Lines.First(l => l.StartsWith(prefix, StringComparison.Ordinal));
}
