using ActorCluster.Protocol;
using System.Globalization;
using System.Text.Json.Nodes;
using ActorCluster.Tests.Shared;
using ActorCluster.Workloads;

namespace ActorCluster.IntegrationTests;

public sealed class ClusterJobSpecs(ThreeNodeClusterFixture fixture) : IClassFixture<ThreeNodeClusterFixture>
{
    private static readonly TimeSpan SubmitTimeout = TimeSpan.FromMinutes(2);
    private LocalCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Should_compute_lfsr_through_the_seed_on_every_node_as_an_independent_computation_does()
    {
        var (result, report) = await Cluster.SubmitAsync(SubmitTimeout, "lfsr", "--degree", "16");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.NotNull(report);
        Assert.Equal("Completed", (string?)report["status"]);
        Assert.Equal(32768, (long)report["itemsTotal"]!);
        Assert.Equal(32768, (long)report["itemsCompleted"]!);
        var taps = report["result"]!["maximalTaps"]!.AsArray().Select(t => (uint)t!).ToList();
        Assert.Equal(LfsrReference.MaximalTaps(16), taps);
        Assert.Equal(LfsrReference.EulerPhi(65535) / 16, (long)report["result"]!["maximalCount"]!);

        var nodes = report["nodes"]!.AsArray().Select(n => n!.AsObject()).ToList();
        Assert.Equal(32768, nodes.Sum(n => (long)n["items"]!));
        foreach (var joiner in Cluster.Nodes.Skip(1))
        {
            var node = nodes.SingleOrDefault(n => (string?)n["address"] == joiner.Address);
            Assert.True(node is not null && (long)node["batches"]! > 0, $"{joiner.Address} processed no batch:\n{report}");
            Assert.Equal(2, (int)node["workers"]!);
        }
    }

    public static TheoryData<string[], string> BadSubmissions() => new()
    {
        { ["nosuch"], "error: unknown workload 'nosuch' (known: csv, exec, files, lfsr, memhog, synthetic)" },
        { ["lfsr", "--degree", "0"], "error: lfsr: --degree must be between 2 and 32, got 0" },
        { ["lfsr", "--degree", "64"], "error: lfsr: --degree must be between 2 and 32, got 64" },
        { ["lfsr", "--degree", "many"], "error: lfsr: --degree must be a whole number, got 'many'" },
        { ["lfsr", "--degree"], "error: lfsr: --degree needs a value" },
        { ["synthetic", "--items", "10", "--distribution", "zipf"], "error: synthetic: --distribution must be uniform, lognormal:SIGMA, pareto:ALPHA or hot:FRACTION:FACTOR, got 'zipf'" },
        { ["csv", "--path", "/nonexistent/sales.csv", "--group-by", "0", "--sum", "1"], "error: csv: no such file: /nonexistent/sales.csv" },
        { ["csv", "--path", CsvInput("empty.csv", ""), "--group-by", "0", "--sum", "1"], $"error: csv: {CsvInput("empty.csv", "")} is empty" },
        { ["csv", "--path", CsvInput("small.csv", "key,qty\na,1\n"), "--header", "--group-by", "region", "--sum", "qty"],
            "error: csv: unknown column 'region' in --group-by (the header has key, qty)" },
    };

    /// <summary>A small CSV input for the bad-input cases, at a path every node of this machine sees.</summary>
    private static string CsvInput(string name, string content)
    {
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "actorcluster-csv-specs")).FullName;
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [SkippableFact]
    public async Task Should_aggregate_a_csv_file_over_the_nodes_as_sqlite_does()
    {
        Skip.IfNot(SqliteReference.Available, "sqlite3 is not installed");
        var dir = Directory.CreateTempSubdirectory("actorcluster-csv-");
        try
        {
            var path = Path.Combine(dir.FullName, "sales.csv");
            CsvTestData.WriteFile(path, rows: 300_000, seed: 13, keys: 500, trackRows: false);

            var (result, report) = await Cluster.SubmitAsync(SubmitTimeout, "csv", "--path", path, "--header", "--group-by", "key",
                "--sum", "qty,price", "--chunk-size", "10000");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal("Completed", (string?)report!["status"]);
            Assert.Equal(30, (long)report["itemsTotal"]!);
            var csv = report["result"]!;
            Assert.Equal((300_000L, 0L, 30L), ((long)csv["rows"]!, (long)csv["malformedRows"]!, (long)csv["chunksMerged"]!));
            var sqlite = SqliteReference.GroupBy(path, CsvTestData.Columns.Length, 1, [2, 3], header: true);
            var groups = csv["groups"]!.AsObject();
            Assert.Equal(sqlite.Keys.Order(StringComparer.Ordinal), groups.Select(g => g.Key));
            foreach (var (key, expected) in sqlite)
            {
                Assert.Equal(expected.Count, (long)groups[key]!["count"]!);
                Assert.Equal((long)expected.Sums[0]!, long.Parse(groups[key]!["sums"]!["qty"]!.ToJsonString()));
                var price = double.Parse(groups[key]!["sums"]!["price"]!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
                Assert.InRange(price - (double)expected.Sums[1]!, -1e-9 * Math.Abs(price) - 1e-9, 1e-9 * Math.Abs(price) + 1e-9);
            }
            var busy = report["nodes"]!.AsArray().Count(n => (long)n!["batches"]! > 0);
            Assert.True(busy >= 2, $"only {busy} node ran csv batches:\n{report}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Should_fail_a_job_whose_items_each_need_more_memory_than_the_node_may_use_instead_of_running_forever()
    {
        using var small = await LocalCluster.StartAsync(0, db: null, "--memory-limit-mb", "256");

        var (result, report) = await small.SubmitAsync(SubmitTimeout, "memhog", "--items", "4", "--mb-per-item", "512", "--declared-mb", "1");

        Assert.True(result.ExitCode == 1, result + small.Logs);
        Assert.Matches(@"^error: job j-[0-9a-f-]+ Failed: no worker node can run it: one item needs 512 MB, " +
                       @"more than the memory limit of the worker node that is up \(256 MB\)$", result.StderrLines.Last());
        Assert.Equal("Failed", (string?)report!["status"]);
        Assert.Equal(0, (long)report["itemsCompleted"]!);
    }

    [Theory]
    [MemberData(nameof(BadSubmissions))]
    public async Task Should_reject_bad_input_with_one_line_and_keep_serving_other_jobs(string[] workloadArgs, string expectedError)
    {
        var (bad, badReport) = await Cluster.SubmitAsync(SubmitTimeout, workloadArgs);
        var (good, goodReport) = await Cluster.SubmitAsync(SubmitTimeout, "synthetic", "--items", "500", "--cost-us", "100");

        Assert.NotEqual(0, bad.ExitCode);
        Assert.Equal([expectedError], bad.StderrLines);
        Assert.Null(badReport);
        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Equal("Completed", (string?)goodReport!["status"]);
        Assert.All(Cluster.Nodes, n => Assert.False(n.HasExited, $"{n.Name} died"));
    }

    [Theory]
    [InlineData(new[] { "submit", "--seed", "127.0.0.1:4053" }, "error: submit: name a workload, e.g. `actorcluster submit --seed 127.0.0.1:4053 lfsr --degree 16`")]
    [InlineData(new[] { "submit", "--seed", "nonsense", "lfsr", "--degree", "4" }, "error: submit: seed 'nonsense' is not host:port")]
    [InlineData(new[] { "node", "--port", "70000" }, "error: node: --port must be a whole number from 0 to 65535, got '70000'")]
    [InlineData(new[] { "node", "--roles", "boss" }, "error: node: unknown role 'boss' (known: coordinator, worker)")]
    [InlineData(new[] { "frobnicate" }, "error: unknown command 'frobnicate' (node, submit, jobs, demo, profile, pbm, bench, certs, health)")]
    public async Task Should_reject_malformed_command_lines_with_one_line(string[] args, string expectedError)
    {
        var result = await ActorClusterProgram.RunAsync(TimeSpan.FromSeconds(60), args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([expectedError], result.StderrLines);
    }

    [Fact]
    public async Task Should_keep_nodes_busy_with_cpu_bound_batches_reachable()
    {
        // 3 nodes x 2 workers on 2 cores: every core oversubscribed for several seconds. 18 s of nominal CPU (at
        // least 9 s on 2 cores) leaves a wide margin over the 3 s the spec needs; with half that, one CI run
        // saw the spec fail after 3 s.
        var (result, report) = await Cluster.SubmitAsync(SubmitTimeout, "synthetic", "--items", "6000", "--cost-us", "3000", "--seed", "11");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True((long)report!["durationMs"]! > 3000, "the job was meant to keep nodes busy for a while");
        Assert.Equal(0L, (long)report["itemsExecutedMoreThanOnce"]!);
        // About members only: a submit client that has exited is an "unreachable remote address" to a node that still
        // had something to tell it (one CI run failed on such a line), which says nothing of the cluster.
        var unreachable = Cluster.Nodes.SelectMany(n => n.Lines
            .Where(l => l.Contains("UNREACHABLE", StringComparison.OrdinalIgnoreCase) && !l.Contains($"{ClusterNames.SystemName}-client@"))
            .Select(l => $"{n.Name}: {l}")).ToList();
        Assert.True(unreachable.Count == 0, string.Join('\n', unreachable));
        Assert.Equal(Checksum(6000, 11), (string?)report["result"]!["checksum"]);
    }

    [Fact]
    public async Task Should_list_and_report_jobs_through_the_jobs_command()
    {
        var (submitted, report) = await Cluster.SubmitAsync(SubmitTimeout, "lfsr", "--degree", "8");
        var jobId = (string)report!["jobId"]!;

        var list = await ActorClusterProgram.RunAsync(TimeSpan.FromSeconds(60), "jobs", "list", "--seed", Cluster.Seed);
        var status = await ActorClusterProgram.RunAsync(TimeSpan.FromSeconds(60), "jobs", "status", jobId, "--seed", Cluster.Seed);
        var missing = await ActorClusterProgram.RunAsync(TimeSpan.FromSeconds(60), "jobs", "status", "j-none", "--seed", Cluster.Seed);

        Assert.Equal(0, submitted.ExitCode);
        Assert.Contains(list.Stdout.Split('\n'), l => l.StartsWith(jobId) && l.Contains("Completed"));
        Assert.StartsWith($"{jobId} Completed 128/128 items", status.Stdout);
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal(["error: no job 'j-none' in this cluster"], missing.StderrLines);
    }

    [Fact]
    public async Task Should_write_a_timeline_with_one_bar_per_batch_on_its_worker_and_report_html_again_later()
    {
        var (submitted, report) = await Cluster.SubmitAsync(SubmitTimeout, "synthetic", "--items", "3000", "--cost-us", "200", "--seed", "5");
        var jobId = (string)report!["jobId"]!;
        var again = Path.Combine(Path.GetTempPath(), "ac-report-again-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var result = await ActorClusterProgram.RunAsync(TimeSpan.FromSeconds(60), "jobs", "result", jobId, "--seed", Cluster.Seed, "--output", again);

            Assert.True(submitted.ExitCode == 0, submitted.ToString());
            var timeline = report["timeline"]!.AsObject();
            var batches = timeline["batches"]!.AsObject();
            var nodes = timeline["nodes"]!.AsArray().Select(n => (string)n!).ToList();
            var tallies = report["nodes"]!.AsArray().ToDictionary(n => (string)n!["address"]!, n => n!.AsObject());
            // One bar per counted batch (no coordinator moved), each on a lane of its node's pool, ending after it starts.
            Assert.Equal((long)report["batches"]!, (long)timeline["batchesTotal"]!);
            Assert.Equal((long)report["batches"]!, batches["node"]!.AsArray().Count);
            Assert.Equal(3000L, batches["items"]!.AsArray().Sum(i => (long)i!));
            Assert.Equal(tallies.Keys.Order(), nodes.Order());
            for (var i = 0; i < batches["node"]!.AsArray().Count; i++)
            {
                var node = nodes[(int)batches["node"]![i]!];
                Assert.InRange((int)batches["worker"]![i]!, 0, (int)tallies[node]["workers"]! - 1);
                Assert.True((double)batches["endMs"]![i]! >= (double)batches["startMs"]![i]!);
            }
            foreach (var (address, tally) in tallies)
                Assert.Equal((long)tally["items"]!, Enumerable.Range(0, batches["node"]!.AsArray().Count)
                    .Where(i => nodes[(int)batches["node"]![i]!] == address).Sum(i => (long)batches["items"]![i]!));
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains($"report: {Path.Combine(again, "report.html")}", result.Lines);
            Assert.Contains("\"batchesTotal\"", File.ReadAllText(Path.Combine(again, "report.html")));
        }
        finally
        {
            if (Directory.Exists(again)) Directory.Delete(again, recursive: true);
        }
    }

    /// <summary>
    /// The report.html a user gets from a real job on the three nodes, opened offline in headless chromium: it draws
    /// every plot with report.json's numbers and fetches nothing. Its screenshot is the README's report.png.
    /// </summary>
    [SkippableFact]
    public async Task Should_draw_a_real_three_node_jobs_report_html_offline_with_the_numbers_of_its_report_json()
    {
        var chromium = HeadlessChromium.Find();
        Skip.If(chromium is null, "chromium is not installed (.ci/run installs Debian's chromium)");
        // A few seconds of CPU: long enough for the throughput plot to show the nodes over time, short for a test.
        var (submitted, report) = await Cluster.SubmitAsync(SubmitTimeout, "synthetic", "--items", "4000", "--cost-us", "1000", "--seed", "21");
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        Assert.Equal(Checksum(4000, 21), (string?)report!["result"]!["checksum"]);
        var reportHtml = submitted.Lines.Single(l => l.StartsWith("report: ") && l.EndsWith(".html"))["report: ".Length..];
        var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "report.png");

        await using var browser = await HeadlessChromium.StartAsync(chromium!, ReportPage.Width, ReportPage.Height, offline: true);
        var page = await ReportPage.OpenAsync(browser, reportHtml, screenshot);

        var batches = (long)report["batches"]!;
        Assert.Equal(batches, (long)report["timeline"]!["batchesTotal"]!);
        Assert.Equal(batches, (long)page["bars"]!);
        Assert.Equal(batches, (long)page["streamPoints"]!);
        Assert.Contains($"all {batches.ToString("N0", CultureInfo.InvariantCulture)} batches", (string)page["note"]!);
        var reportNodes = report["nodes"]!.AsArray().ToDictionary(n => (string)n!["address"]!, n => (long)n!["items"]!);
        Assert.Equal(Cluster.Nodes.Select(n => n.Address).Order(), reportNodes.Where(n => n.Value > 0).Select(n => n.Key).Order());
        Assert.Equal(reportNodes, page["nodes"]!.AsArray().ToDictionary(n => (string)n!["address"]!, n => (long)n!["items"]!));
        var bars = report["timeline"]!["batches"]!.AsObject();
        var lanes = bars["node"]!.AsArray().Zip(bars["worker"]!.AsArray(), (n, w) => ((long)n!, (long)w!)).Distinct().Count();
        Assert.Equal(lanes, (int)page["streamLanes"]!);
        Assert.Equal("no batch failed", (string)page["failures"]!);
        ReportPage.AssertPainted(page);
        ReportPage.AssertOffline(browser);
    }

    internal static string Checksum(long items, ulong seed)
    {
        ulong sum = 0;
        for (long i = 0; i < items; i++) sum += SyntheticWorkload.ItemOutput(seed, i);
        return sum.ToString("x16");
    }
}
