using System.Diagnostics;
using System.Text.Json.Nodes;
using ActorCluster.Tests.Shared;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// The web host of real node processes: the HTTP job API, /metrics and the dashboard in headless chromium, against a
/// three-node cluster on loopback. Every request is checked against what the cluster itself says (the job's status,
/// report.json of `actorcluster submit --output`).
/// </summary>
public sealed class WebSpecs(WebClusterFixture fixture) : IClassFixture<WebClusterFixture>
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(120);

    private WebEndpoint Seed => fixture.Web[0];

    [Fact]
    public async Task Should_run_a_job_submitted_over_http_and_count_it_alike_in_status_events_and_metrics()
    {
        var (status, accepted) = await Seed.PostAsync("/api/jobs", """{"workload":"synthetic","args":["--items","3000","--cost-us","100"],"noCache":true}""");
        Assert.Equal(201, status);
        var id = (string)accepted!["id"]!;
        Assert.Equal(3000, (long)accepted["itemsTotal"]!);

        var events = await ReadEventsAsync(fixture.Web[1], $"/api/jobs/{id}/events", JobTimeout);
        Assert.Equal("end", events[^1].Name);
        var statuses = events.Where(e => e.Name == "status").Select(e => e.Data).ToList();
        var last = statuses[^1];
        Assert.Equal("completed", (string)last["state"]!);
        Assert.Equal(3000, (long)last["itemsCompleted"]!);
        var (getStatus, final) = await fixture.Web[2].GetAsync($"/api/jobs/{id}");
        Assert.Equal(200, getStatus);
        Assert.Equal((long)last["batches"]!, (long)final!["batches"]!);
        Assert.NotNull(final["result"]);

        // The coordinator's node counts each batch once; summed over every node's /metrics they make the status's counts.
        var samples = new List<PrometheusText.Sample>();
        foreach (var web in fixture.Web)
        {
            var text = await web.Client.GetStringAsync("/metrics");
            samples.AddRange(PrometheusText.Parse(text));
        }
        var items = samples.Where(s => s.Name == "actorcluster_items_completed_total" && s.Labels.GetValueOrDefault("job") == id).ToList();
        Assert.Equal(3000, items.Sum(s => s.Value));
        Assert.Equal((long)final["batches"]!, samples.Where(s => s.Name == "actorcluster_batches_completed_total" && s.Labels.GetValueOrDefault("job") == id).Sum(s => s.Value));
        foreach (var node in final["nodes"]!.AsArray())
            Assert.Equal((long)node!["items"]!, items.Where(s => s.Labels["node"] == (string)node["address"]!).Sum(s => s.Value));
        Assert.Contains(samples, s => s.Name == "actorcluster_cluster_member_events_total" && s.Labels["event"] == "up" && s.Value >= 3);
        Assert.Equal(3, samples.Count(s => s.Name == "actorcluster_workers"));
        Assert.Contains(samples, s => s.Name == "actorcluster_batch_duration_seconds_count" && s.Value > 0);
    }

    [Fact]
    public async Task Should_serve_a_jobs_timeline_with_every_batch_of_its_status_and_404_for_an_unknown_job()
    {
        var (_, accepted) = await Seed.PostAsync("/api/jobs", """{"workload":"synthetic","args":["--items","3000","--cost-us","100"],"noCache":true}""");
        var id = (string)accepted!["id"]!;
        var events = await ReadEventsAsync(Seed, $"/api/jobs/{id}/events", JobTimeout);
        Assert.Equal("end", events[^1].Name);
        var (_, final) = await Seed.GetAsync($"/api/jobs/{id}");
        Assert.Equal("completed", (string)final!["state"]!);

        var (status, timeline) = await fixture.Web[2].GetAsync($"/api/jobs/{id}/timeline");

        Assert.Equal(200, status);
        var batches = timeline!["batches"]!.AsObject();
        var column = (string name) => batches[name]!.AsArray().Select(v => (long)v!).ToList();
        var (firsts, sizes, nodeOf) = (column("firstItem"), column("items"), column("node"));
        Assert.Equal((long)final["batches"]!, (long)timeline["batchesTotal"]!);
        Assert.Equal((long)final["batches"]!, firsts.Count);
        // The bars tile the job's items exactly once: sorted by first item, each starts where the one before ended.
        var next = 0L;
        foreach (var (first, size) in firsts.Zip(sizes).OrderBy(b => b.First))
        {
            Assert.Equal(next, first);
            next = first + size;
        }
        Assert.Equal(3000, next);
        var nodes = timeline["nodes"]!.AsArray().Select(n => (string)n!).ToList();
        var barsPerNode = nodeOf.GroupBy(n => nodes[(int)n]).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(final["nodes"]!.AsArray().Where(n => (long)n!["batches"]! > 0).ToDictionary(n => (string)n!["address"]!, n => (long)n!["batches"]!), barsPerNode);
        Assert.Equal(0, (long)timeline["failuresTotal"]!);

        await AssertError(Seed.GetAsync("/api/jobs/j-never-submitted/timeline"), 404, "no job 'j-never-submitted'");
        await AssertError(Seed.GetAsync($"/api/jobs/j-{new string('z', 300)}/timeline"), 404, "chars)");
    }

    [Fact]
    public async Task Should_give_a_failed_batchs_item_range_and_error_in_the_timeline()
    {
        var (_, accepted) = await Seed.PostAsync("/api/jobs", """{"workload":"synthetic","args":["--items","400","--cost-us","50","--fail-at","250"],"noCache":true}""");
        var id = (string)accepted!["id"]!;
        await ReadEventsAsync(Seed, $"/api/jobs/{id}/events", JobTimeout);

        var (status, timeline) = await fixture.Web[1].GetAsync($"/api/jobs/{id}/timeline");

        Assert.Equal(200, status);
        var failures = timeline!["failures"]!.AsArray();
        Assert.NotEmpty(failures);
        Assert.Equal(failures.Count, (long)timeline["failuresTotal"]!);
        Assert.All(failures, f =>
        {
            Assert.InRange(250, (long)f!["firstItem"]!, (long)f["firstItem"]! + (long)f["items"]! - 1);
            Assert.Contains("item 250 is poisoned", (string)f["error"]!);
        });
        var batches = timeline["batches"]!.AsObject();
        var completed = batches["firstItem"]!.AsArray().Zip(batches["items"]!.AsArray(), (first, items) => ((long)first!, (long)items!));
        Assert.DoesNotContain(completed, b => b.Item1 <= 250 && 250 < b.Item1 + b.Item2);
    }

    [Fact]
    public async Task Should_answer_bad_input_with_a_json_error_and_the_right_status_and_stay_up()
    {
        await AssertError(Seed.PostAsync("/api/jobs", """{"workload":"no-such-workload"}"""), 400, "unknown workload 'no-such-workload'");
        await AssertError(Seed.PostAsync("/api/jobs", """{"workload":"synthetic","args":["--items","lots"]}"""), 400, "--items");
        await AssertError(Seed.PostAsync("/api/jobs", "not json"), 400, "not JSON");
        await AssertError(Seed.PostAsync("/api/jobs", """{"workload":"synthetic","args":[1]}"""), 400, "must be strings");
        await AssertError(Seed.PostAsync("/api/jobs", $$"""{"workload":"synthetic","args":["{{new string('x', 70_000)}}"]}"""), 413, "64 KB");
        await AssertError(Seed.PostAsync("/api/jobs", """{"workload":"synthetic","args":["--items","1"]}""", token: "wrong-token-of-enough-length-000000000"), 401, "token");
        await AssertError(Seed.PostAsync("/api/jobs", """{"workload":"synthetic","args":["--items","1"]}""", token: null), 401, "token");
        await AssertError(Seed.GetAsync($"/api/jobs/j-{new string('z', 300)}"), 404, "chars)");
        await AssertError(Seed.GetAsync("/api/jobs/j-never-submitted"), 404, "no job 'j-never-submitted'");
        await AssertError(Seed.GetAsync("/api/nothing-here"), 404, "");

        var (status, cluster) = await Seed.GetAsync("/api/cluster");
        Assert.Equal(200, status);
        var members = cluster!["members"]!.AsArray();
        Assert.Equal(3, members.Count(m => (string)m!["status"]! == "up" && (bool)m["reachable"]!));
        Assert.All(members, m => Assert.True((int)m!["figures"]!["targetWorkers"]! >= 1));
        Assert.All(fixture.Cluster.Nodes, n => Assert.False(n.HasExited));
    }

    [Fact]
    public async Task Should_cancel_a_running_job_only_with_the_token()
    {
        var (_, accepted) = await Seed.PostAsync("/api/jobs", """{"workload":"synthetic","args":["--items","100000","--cost-us","2000","--kind","sleep"],"noCache":true}""");
        var id = (string)accepted!["id"]!;

        await AssertError(fixture.Web[1].PostAsync($"/api/jobs/{id}/cancel", "", token: null), 401, "token");
        var (status, cancelled) = await fixture.Web[1].PostAsync($"/api/jobs/{id}/cancel", "");
        Assert.Equal(200, status);
        Assert.Equal(id, (string)cancelled!["id"]!);

        var clock = Stopwatch.StartNew();
        JsonNode? job;
        do
        {
            await Task.Delay(200);
            (_, job) = await Seed.GetAsync($"/api/jobs/{id}");
        } while ((string)job!["state"]! == "running" && clock.Elapsed < JobTimeout);
        Assert.Equal("cancelled", (string)job["state"]!);
        Assert.True((long)job["itemsCompleted"]! < 100_000);
        await AssertError(Seed.PostAsync("/api/jobs/j-never-submitted/cancel", ""), 404, "no job");
    }

    [SkippableFact]
    public async Task Should_show_three_nodes_and_a_job_rising_live_in_a_browser_and_end_with_the_reports_numbers()
    {
        var chromium = HeadlessChromium.Find();
        Skip.If(chromium is null, "chromium is not installed (.ci/run installs Debian's chromium)");
        await using var browser = await HeadlessChromium.StartAsync(chromium!, 1400, 1000, offline: false);
        await browser.NavigateAsync(Seed.BaseUrl);
        Assert.True(await browser.WaitUntilAsync("document.querySelectorAll('#cluster tr.node').length === 3", TimeSpan.FromSeconds(20)),
            "the page never listed 3 nodes");
        // Roles that only tell coordinators what a node runs and takes (workload.*, memory-limit.*) stay off the page.
        var roles = (await browser.EvaluateAsync("[...document.querySelectorAll('#cluster tr.node')].map(tr => tr.cells[1].textContent)"))!.AsArray();
        Assert.All(roles, r => Assert.Equal("coordinator, worker", (string)r!));

        var submit = fixture.Cluster.SubmitAsync(JobTimeout, "synthetic", "--items", "6000", "--cost-us", "1500", "--no-cache");
        var id = await RunningJobIdAsync(TimeSpan.FromSeconds(30));
        Assert.True(await browser.WaitUntilAsync($"!!document.querySelector('tr.job[data-id=\"{id}\"]')", TimeSpan.FromSeconds(10)), "the job never showed");
        await browser.EvaluateAsync($"document.querySelector('tr.job[data-id=\"{id}\"]').click()");

        // Progress as the page shows it, sampled while the job runs: it must rise without a reload.
        var seen = new List<double>();
        var screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        while (!submit.IsCompleted)
        {
            var percent = await browser.EvaluateAsync($"Number(document.querySelector('tr.job[data-id=\"{id}\"] td.percent')?.dataset.percent ?? -1)");
            seen.Add(percent!.GetValue<double>());
            if (seen.Count(p => p > 0) == 4) await browser.ScreenshotAsync(Path.Combine(screenshots, "dashboard-running.png"), fullPage: false);
            await Task.Delay(250);
        }
        var running = seen.Where(p => p is > 0 and < 100).Distinct().ToList();
        Assert.True(running.Count >= 2, $"progress did not rise on the page: {string.Join(", ", seen)}");
        Assert.Equal(running.Order(), running);

        var (result, report) = await submit;
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(id, (string)report!["jobId"]!);
        Assert.True(await browser.WaitUntilAsync("document.querySelector('#detail-state').textContent === 'completed'", TimeSpan.FromSeconds(15)),
            "the job detail never showed the job completed");
        await browser.WaitUntilAsync($"document.querySelector('tr.job[data-id=\"{id}\"] .state')?.textContent === 'completed'", TimeSpan.FromSeconds(5));
        await Task.Delay(500);

        // The numbers as the page shows them (text, with thousands separators), not what it was sent.
        var page = (await browser.EvaluateAsync("""
            (() => {
              const shown = el => Number(el.textContent.replace(/,/g, ''));
              const field = name => shown(document.querySelector(`#detail [data-field=${name}]`));
              return {
                items: field('itemsCompleted'), total: field('itemsTotal'), batches: field('batches'), ranOn: field('activeNodes'),
                ranOnLabel: document.querySelector('#detail [data-field=activeNodes]').previousElementSibling.textContent,
                nodes: [...document.querySelectorAll('#detail-nodes tr.detail-node')].map(tr =>
                  ({ address: tr.dataset.address, items: shown(tr.cells[3]), batches: shown(tr.cells[2]) })),
                charts: Chart.instances ? Object.keys(Chart.instances).length : 0,
              };
            })()
            """))!;
        Assert.Equal((long)report["itemsCompleted"]!, (long)page["items"]!);
        Assert.Equal((long)report["itemsTotal"]!, (long)page["total"]!);
        Assert.Equal((long)report["batches"]!, (long)page["batches"]!);
        // An ended job has no active node: the page shows the nodes that ran its batches, as report.json lists them.
        var ranOn = report["nodes"]!.AsArray().Count(n => (long)n!["batches"]! > 0);
        Assert.True(ranOn >= 2, $"the job ran on {ranOn} nodes: {report["nodes"]}");
        Assert.Equal(ranOn, (long)page["ranOn"]!);
        Assert.Equal("ran on nodes", (string)page["ranOnLabel"]!);
        var reportNodes = report["nodes"]!.AsArray().ToDictionary(n => (string)n!["address"]!, n => ((long)n!["items"]!, (long)n["batches"]!));
        var pageNodes = page["nodes"]!.AsArray().ToDictionary(n => (string)n!["address"]!, n => ((long)n!["items"]!, (long)n["batches"]!));
        Assert.Equal(reportNodes, pageNodes);

        // The task stream: one bar per batch of report.json's timeline (every batch, at this size), one lane per worker.
        var timeline = report["timeline"]!.AsObject();
        var batches = timeline["batches"]!.AsObject();
        var barsInReport = batches["node"]!.AsArray().Count;
        Assert.Equal((long)report["batches"]!, (long)timeline["batchesTotal"]!);
        Assert.Equal((long)report["batches"]!, barsInReport);
        var lanesInReport = batches["node"]!.AsArray().Zip(batches["worker"]!.AsArray(), (n, w) => ((long)n!, (long)w!)).Distinct().Count();
        Assert.True(await browser.WaitUntilAsync($"document.querySelector('#detail').dataset.bars === '{barsInReport}'", TimeSpan.FromSeconds(15)),
            $"the task stream never showed {barsInReport} bars: {await browser.EvaluateAsync("document.querySelector('#detail').dataset.bars ?? 'none'")}");
        await browser.ScreenshotAsync(Path.Combine(screenshots, "dashboard.png"), fullPage: true);
        var stream = (await browser.EvaluateAsync("""
            (() => {
              const chart = Chart.getChart(document.querySelector('#chart-task-stream'));
              return {
                bars: chart.data.datasets.reduce((n, d) => n + d.data.length, 0),
                lanes: chart.data.labels.length,
                nodes: chart.data.datasets.length,
                failures: document.querySelector('#detail-failures tbody').textContent,
                charts: Object.keys(Chart.instances).length,
              };
            })()
            """))!;
        Assert.Equal(barsInReport, (int)stream["bars"]!);
        Assert.Equal(lanesInReport, (int)stream["lanes"]!);
        Assert.Equal(report["nodes"]!.AsArray().Count(n => (long)n!["batches"]! > 0), (int)stream["nodes"]!);
        Assert.Equal("no batch failed", (string)stream["failures"]!);
        // Throughput and share (JobCharts), the task stream, batch sizes and workers per node (timeline-charts.js).
        Assert.Equal(5, (int)page["charts"]!);
        Assert.Equal(5, (int)stream["charts"]!);

        // A failed job's detail lists its failing item range and error.
        var (_, failing) = await Seed.PostAsync("/api/jobs", """{"workload":"synthetic","args":["--items","400","--cost-us","50","--fail-at","250"],"noCache":true}""");
        var failedId = (string)failing!["id"]!;
        Assert.True(await browser.WaitUntilAsync($"!!document.querySelector('tr.job[data-id=\"{failedId}\"]')", TimeSpan.FromSeconds(10)), "the failing job never showed");
        await browser.EvaluateAsync($"document.querySelector('tr.job[data-id=\"{failedId}\"]').click()");
        Assert.True(await browser.WaitUntilAsync("document.querySelector('#detail-state').textContent === 'failed' && " +
                                                 "[...document.querySelectorAll('#detail-failures tbody tr')].some(tr => tr.cells.length === 5)", TimeSpan.FromSeconds(30)),
            "the failed job's detail never listed its failures");
        var rows = (await browser.EvaluateAsync("[...document.querySelectorAll('#detail-failures tbody tr')].map(tr => [...tr.cells].map(c => c.textContent))"))!.AsArray();
        Assert.All(rows, row =>
        {
            var range = ((string)row![2]!).Trim('[', ')').Split(", ").Select(long.Parse).ToArray();
            Assert.InRange(250, range[0], range[1] - 1);
            Assert.Contains("item 250 is poisoned", (string)row[4]!);
        });
        Assert.Empty(browser.Problems());
    }

    private async Task<string> RunningJobIdAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var (_, list) = await Seed.GetAsync("/api/jobs");
            if (list!["jobs"]!.AsArray().FirstOrDefault(j => (string)j!["state"]! == "running" && (string)j["workload"]! == "synthetic" && (long)j["itemsTotal"]! == 6000) is { } job)
                return (string)job["id"]!;
            await Task.Delay(100);
        }
        throw new TimeoutException("the submitted job never showed as running in /api/jobs");
    }

    private static async Task AssertError(Task<(int Status, JsonNode? Body)> call, int expected, string contains)
    {
        var (status, body) = await call;
        Assert.Equal(expected, status);
        var error = (string?)body?["error"];
        Assert.NotNull(error);
        Assert.Contains(contains, error);
        Assert.DoesNotContain("\n", error);
        Assert.DoesNotContain("   at ", error);
    }

    private static async Task<List<(string Name, JsonNode Data)>> ReadEventsAsync(WebEndpoint web, string path, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await using var stream = await web.Client.GetStreamAsync(path, cts.Token);
        using var reader = new StreamReader(stream);
        var events = new List<(string, JsonNode)>();
        string? name = null;
        while (await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) events.Add((name ?? "message", JsonNode.Parse(line[6..])!));
            if (name == "end" && line.Length == 0) break;
        }
        return events;
    }
}
