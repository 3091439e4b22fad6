using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ActorCluster.Workloads;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// The profiler on real node processes: a node pinned to one core with taskset (cgroups cannot be created
/// on the test machines) runs one CPU-bound worker, and a node with a low memory limit shrinks its pool
/// under a memory-heavy job without losing an item. Every wait is bounded; every process is killed.
/// </summary>
public sealed class ProfilerProcessSpecs : IDisposable
{
    private readonly List<CliProcess> _processes = [];
    private readonly string _work = Path.Combine(Path.GetTempPath(), $"ac-profiler-{Guid.NewGuid():N}");

    public void Dispose()
    {
        foreach (var p in _processes) p.Dispose();
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Should_run_one_cpu_bound_worker_on_a_node_pinned_to_one_core()
    {
        if (!File.Exists("/usr/bin/taskset")) return; // not Linux with util-linux: nothing to pin with
        var port = FreePort();
        var node = Start(["node", "--port", port.ToString(), "--data-dir", Path.Combine(_work, "node")], pinToCore: 0);
        node.WaitForLine("node up:", TimeSpan.FromSeconds(60));

        var submit = Start(["submit", "--seed", $"127.0.0.1:{port}", "lfsr", "--degree", "12", "--output", _work, "--timeout", "60"]);
        Assert.Equal(0, submit.WaitForExit(TimeSpan.FromSeconds(90)));
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(_work, "report.json")))!;

        Assert.Contains("workers=1 (cpu-bound: 1 effective cores (", node.LineStartingWith("node starting"));
        Assert.Contains("1 in affinity set", node.LineStartingWith("node starting"));
        Assert.Equal("Completed", report["status"]!.GetValue<string>());
        Assert.Equal(1, report["nodes"]![0]!["workers"]!.GetValue<int>());
    }

    [Fact]
    public void Should_report_one_effective_core_in_profile_when_pinned_to_one_core()
    {
        if (!File.Exists("/usr/bin/taskset")) return;
        var profile = Start(["profile", "--json"], pinToCore: 0);
        Assert.Equal(0, profile.WaitForExit(TimeSpan.FromSeconds(60)));

        var json = JsonNode.Parse(string.Join("\n", profile.Lines))!;

        Assert.Equal(1, json["snapshot"]!["effectiveCores"]!.GetValue<int>());
        Assert.Equal(1, json["byKind"]!["cpu-bound"]!["workers"]!.GetValue<int>());
    }

    [Fact]
    public void Should_refuse_to_start_a_node_with_an_invalid_setting_naming_it_and_its_source()
    {
        var node = Start(["node", "--port", "0", "--data-dir", Path.Combine(_work, "bad")], env: new() { ["ACTORCLUSTER_WORKERS"] = "0" });

        Assert.Equal(2, node.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Contains("error: node: ACTORCLUSTER_WORKERS (environment variable) must be at least 1, got '0'", node.ErrorLines);
        Assert.DoesNotContain(node.Lines, l => l.StartsWith("node starting", StringComparison.Ordinal));
    }

    /// <summary>
    /// Node baseline RSS is about 100-120 MB; two 80 MB items on two workers bring it to about 280 MB,
    /// 88% of a 320 MB limit, and one worker to about 190 MB (59%). The job under-declares 20 MB per item,
    /// so the memory-aware plan starts at 2 workers and only live pressure can correct it.
    /// </summary>
    [Fact]
    public void Should_shrink_the_pool_under_memory_pressure_complete_and_lose_nothing()
    {
        var (node, report) = RunMemoryPressureJob();

        Assert.Equal("Completed", report["status"]!.GetValue<string>());
        Assert.Equal(12, report["itemsCompleted"]!.GetValue<long>());
        Assert.Equal(MemhogWorkload.ExpectedChecksum(12, 80).ToString("x16"), report["result"]!["checksum"]!.GetValue<string>());
        Assert.Contains(node.Lines, l => l.Contains("memory pressure: shrink") && l.Contains("of node limit") && l.Contains("pool 2 -> 1"));
        Assert.Contains(node.Lines, l => l.Contains("pool 2 -> 1 workers"));
    }

    [Fact]
    public void Should_show_the_resize_events_in_report_json()
    {
        var (_, report) = RunMemoryPressureJob();

        var profile = report["nodes"]![0]!["profile"]!;
        Assert.Equal("memory-aware", profile["policy"]!.GetValue<string>());
        Assert.Contains(profile["resizes"]!.AsArray(), r => r!["action"]!.GetValue<string>() == "shrink" && r["to"]!.GetValue<int>() == 1);
        Assert.True(profile["peakRssMb"]!.GetValue<long>() > 200);
    }

    private (CliProcess Node, JsonNode Report) RunMemoryPressureJob()
    {
        var port = FreePort();
        var node = Start(["node", "--port", port.ToString(), "--data-dir", Path.Combine(_work, "node"), "--policy", "auto"],
            env: new() { ["ACTORCLUSTER_MEMORY_LIMIT_MB"] = "320" });
        node.WaitForLine("node up:", TimeSpan.FromSeconds(60));

        var submit = Start(["submit", "--seed", $"127.0.0.1:{port}", "memhog", "--items", "12", "--mb-per-item", "80",
            "--ms-per-item", "2500", "--declared-mb", "20", "--output", _work, "--timeout", "120"]);
        Assert.Equal(0, submit.WaitForExit(TimeSpan.FromSeconds(150)));
        return (node, JsonNode.Parse(File.ReadAllText(Path.Combine(_work, "report.json")))!);
    }

    private CliProcess Start(IReadOnlyList<string> args, int? pinToCore = null, Dictionary<string, string>? env = null)
    {
        var process = CliProcess.Start(args, pinToCore, env);
        _processes.Add(process);
        return process;
    }

    private static int FreePort() => LocalCluster.FreePort();

    /// <summary>One `actorcluster` process of the build under test, its output collected line by line.</summary>
    private sealed class CliProcess : IDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly ConcurrentQueue<string> _errors = new();

        private CliProcess(Process process) => _process = process;

        public IReadOnlyList<string> Lines => _lines.ToArray();

        public IReadOnlyList<string> ErrorLines => _errors.ToArray();

        public static CliProcess Start(IReadOnlyList<string> args, int? pinToCore, Dictionary<string, string>? env)
        {
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
            var info = new ProcessStartInfo(pinToCore is null ? dotnet : "/usr/bin/taskset")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            if (pinToCore is { } core)
            {
                info.ArgumentList.Add("-c");
                info.ArgumentList.Add(core.ToString());
                info.ArgumentList.Add(dotnet);
            }
            info.ArgumentList.Add(CliDll());
            foreach (var a in args) info.ArgumentList.Add(a);
            // The test runner's own overrides must not leak into the nodes under test.
            foreach (var name in new[] { "ACTORCLUSTER_WORKERS", "MAX_WORKERS", "ACTORCLUSTER_MEMORY_LIMIT_MB", "MEMORY_LIMIT_MB", "ACTORCLUSTER_POLICY", "ACTORCLUSTER_CHUNK_SIZE", "CLUSTER_SEEDS", "CLUSTER_PORT" })
                info.Environment.Remove(name);
            foreach (var (k, v) in env ?? []) info.Environment[k] = v;
            var cli = new CliProcess(Process.Start(info)!);
            cli._process.OutputDataReceived += (_, e) => { if (e.Data is not null) cli._lines.Enqueue(e.Data); };
            cli._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) cli._errors.Enqueue(e.Data); };
            cli._process.BeginOutputReadLine();
            cli._process.BeginErrorReadLine();
            return cli;
        }

        private static string CliDll()
        {
            var dll = ActorClusterProgram.Dll;
            Assert.True(File.Exists(dll), $"{dll} is missing; build the solution first");
            return dll;
        }

        public void WaitForLine(string prefix, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < timeout)
            {
                if (_lines.Any(l => l.StartsWith(prefix, StringComparison.Ordinal))) return;
                if (_process.HasExited) break;
                Thread.Sleep(100);
            }
            Assert.Fail($"no line starting with '{prefix}' within {timeout.TotalSeconds:0}s; output:\n{string.Join("\n", _lines.TakeLast(30))}\n{string.Join("\n", _errors.TakeLast(10))}");
        }

        public string LineStartingWith(string prefix) => _lines.First(l => l.StartsWith(prefix, StringComparison.Ordinal));

        /// <summary>The exit code; kills the process and fails if it runs longer than <paramref name="timeout"/>.</summary>
        public int WaitForExit(TimeSpan timeout)
        {
            if (!_process.WaitForExit(timeout))
            {
                Dispose();
                Assert.Fail($"process did not exit within {timeout.TotalSeconds:0}s; output:\n{string.Join("\n", _lines.TakeLast(20))}");
            }
            _process.WaitForExit(); // flushes the asynchronous output readers
            return _process.ExitCode;
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
                // never started or already reaped
            }
            _process.Dispose();
        }
    }
}
