using System.Text.Json.Nodes;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol;
using ActorCluster.Tests.Shared;
using Xunit.Abstractions;

namespace ActorCluster.Cli.Tests;

/// <summary>
/// report.html of made-up jobs (markup in their text, 400,000 batches, no timeline) as a user opens it: in headless
/// chromium, offline (file://, a proxy that refuses everything), where it must draw every plot, say nothing on the
/// console and ask for nothing over the network. Screenshots go to bin/.../screenshots/; the README's report.png is a
/// real job's (ClusterJobSpecs), not one of these.
/// </summary>
public sealed class ReportHtmlSpecs(ITestOutputHelper output) : IDisposable
{
    private const long Origin = 1_764_000_000_000;
    private const string Hostile = "</script><script>document.body.dataset.injected='yes'</script><img src=\"http://127.0.0.1:9/x\">";
    private static readonly string[] Nodes = ["akka.tcp://actorcluster@10.0.0.1:4053", "akka.tcp://actorcluster@10.0.0.2:4053", "akka.tcp://actorcluster@10.0.0.3:4053"];
    private static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ac-report-");

    public void Dispose() => _dir.Delete(recursive: true);

    [SkippableFact]
    public async Task Should_render_every_plot_of_a_small_jobs_report_offline_with_one_bar_per_batch()
    {
        var chromium = HeadlessChromium.Find();
        Skip.If(chromium is null, "chromium is not installed (.ci/run installs it)");
        var (status, timeline) = Job(batches: 90, withFailures: true);
        JobReport.Write(_dir.FullName, status, status.Args, timeline);

        await using var browser = await HeadlessChromium.StartAsync(chromium!, ReportPage.Width, ReportPage.Height, offline: true);
        var page = await OpenAsync(browser, "report-escaping.png");

        Assert.Equal("true", (string?)page["rendered"]);
        Assert.Equal(90, (int)page["bars"]!);
        Assert.Equal(90, (int)page["streamPoints"]!);
        ReportPage.AssertPainted(page);
        Assert.Equal(3, (int)page["failureRows"]!);
        Assert.Equal("no", (string?)page["injected"]);
        Assert.Equal(0, (int)page["images"]!);
        Assert.Contains(Hostile, (string)page["summary"]!);
        Assert.Contains("boom <b>not bold</b>", (string)page["failures"]!);
        Assert.Contains("all 90 batches", (string)page["note"]!);
        ReportPage.AssertOffline(browser);
    }

    [SkippableFact]
    public async Task Should_show_the_last_batches_and_the_bucket_summary_for_a_big_job()
    {
        var chromium = HeadlessChromium.Find();
        Skip.If(chromium is null, "chromium is not installed (.ci/run installs it)");
        var (status, timeline) = Job(batches: 400_000, withFailures: false);
        JobReport.Write(_dir.FullName, status, status.Args, timeline);
        output.WriteLine($"report.html of a 400,000-batch job: {new FileInfo(Path.Combine(_dir.FullName, "report.html")).Length:N0} bytes, " +
                         $"report.json {new FileInfo(Path.Combine(_dir.FullName, "report.json")).Length:N0} bytes");

        await using var browser = await HeadlessChromium.StartAsync(chromium!, ReportPage.Width, ReportPage.Height, offline: true);
        var page = await OpenAsync(browser, "report-big.png");

        Assert.Equal(JobTimeline.DefaultBatchCapacity, (int)page["bars"]!);
        Assert.Contains("the last 5,000 of 400,000 batches", (string)page["note"]!);
        Assert.True((int)page["throughputPoints"]! > 50, "throughput comes from the buckets, which cover the whole job");
        ReportPage.AssertPainted(page);
        ReportPage.AssertOffline(browser);
    }

    [SkippableFact]
    public async Task Should_show_the_summary_and_say_why_there_are_no_plots_when_the_coordinator_gave_no_timeline()
    {
        var chromium = HeadlessChromium.Find();
        Skip.If(chromium is null, "chromium is not installed (.ci/run installs it)");
        var (status, _) = Job(batches: 10, withFailures: false);
        JobReport.Write(_dir.FullName, status, status.Args, timeline: null);

        await using var browser = await HeadlessChromium.StartAsync(chromium!, ReportPage.Width, 900, offline: true);
        await browser.NavigateAsync(new Uri(Path.Combine(_dir.FullName, "report.html")).AbsoluteUri);
        Assert.True(await browser.WaitUntilAsync("document.body !== null && document.body.dataset.rendered === 'no-timeline'", TimeSpan.FromSeconds(60)),
            $"report.html never said it has no timeline; problems: {string.Join(" | ", browser.Problems())}");
        var canvases = (int)(await browser.EvaluateAsync("document.querySelectorAll('canvas').length"))!;
        var note = (string)(await browser.EvaluateAsync("document.getElementById('timeline-note').textContent"))!;
        var rows = (int)(await browser.EvaluateAsync("document.querySelectorAll('table tbody tr').length"))!;

        Assert.Equal(0, canvases);
        Assert.StartsWith("No timeline", note);
        Assert.Equal(3, rows); // the node table stays
        ReportPage.AssertOffline(browser);
    }

    [Fact]
    public void Should_keep_job_text_out_of_the_markup_and_every_report_json_field()
    {
        var (status, timeline) = Job(batches: 5, withFailures: true);

        JobReport.Write(_dir.FullName, status, status.Args, timeline);
        var html = File.ReadAllText(Path.Combine(_dir.FullName, "report.html"));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir.FullName, "report.json")))!.AsObject();

        Assert.DoesNotContain("<script>document.body", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("<b>not bold", html);
        Assert.DoesNotMatch("""(src|href)\s*=\s*["']?[a-z]+:""", html); // nothing to fetch: no CDN, no link
        Assert.Equal(["jobId", "workload", "args", "status", "itemsTotal", "itemsCompleted", "batches", "durationMs", "itemsExecutedMoreThanOnce",
            "itemsFromCache", "itemsFailed", "error", "nodes", "result", "timeline"], json.Select(p => p.Key));
        Assert.Equal(5, json["timeline"]!["batches"]!["node"]!.AsArray().Count);
    }

    private async Task<JsonObject> OpenAsync(HeadlessChromium browser, string screenshot)
    {
        var path = Path.Combine(Screenshots, screenshot);
        var page = await ReportPage.OpenAsync(browser, Path.Combine(_dir.FullName, "report.html"), path);
        output.WriteLine($"screenshot: {path}; {page.ToJsonString()[..Math.Min(400, page.ToJsonString().Length)]}");
        return page;
    }

    /// <summary>
    /// A job on three nodes (2, 3 and 4 workers; the third shrinks to 2 under memory pressure halfway) whose workers each
    /// take the next batch when they are free, batches growing as the sizer learns, and, when asked, three failures whose
    /// errors carry markup.
    /// </summary>
    private static (JobStatus, JobTimelineView) Job(int batches, bool withFailures)
    {
        var timeline = new JobTimeline(Origin);
        int[] lanes = [2, 3, 4];
        var free = new long[3][];
        for (var n = 0; n < 3; n++)
        {
            free[n] = Enumerable.Repeat((Origin + 30 + n * 15) * 1000, lanes[n]).ToArray();
            timeline.RecordWorkers(Nodes[n], lanes[n], Origin + 20 + n * 15);
        }
        var random = new Random(15);
        long item = 0;
        var tallies = new (long Batches, long Items, long BusyMicros)[3];
        for (var i = 0; i < batches; i++)
        {
            if (i == batches / 2) timeline.RecordWorkers(Nodes[2], 2, free[2].Min() / 1000);
            // The worker that is free first takes the next batch (node 2 has two lanes left after the shrink).
            var (node, lane) = Enumerable.Range(0, 3).SelectMany(n => Enumerable.Range(0, n == 2 && i >= batches / 2 ? 2 : lanes[n]).Select(l => (n, l)))
                .MinBy(x => free[x.n][x.l]);
            var size = Math.Min(2_000, 50 + i * 40L) + random.Next(0, 200);
            var busy = size * (80 + 15 * node + random.Next(0, 40)); // about 0.1 ms an item
            var start = free[node][lane];
            timeline.RecordBatch(Nodes[node], lane, start, busy, item, size);
            free[node][lane] = start + busy + 300 + random.Next(0, 2_000);
            tallies[node] = (tallies[node].Batches + 1, tallies[node].Items + size, tallies[node].BusyMicros + busy);
            item += size;
        }
        if (withFailures)
        {
            timeline.RecordFailure(Nodes[1], 400, 100, "InvalidOperationException: boom <b>not bold</b>", willRetry: true, Origin + 150);
            timeline.RecordFailure(Nodes[0], 400, 100, Hostile, willRetry: true, Origin + 180);
            timeline.RecordFailure(Nodes[2], 900, 50, "node lost (unreachable): handed out again", willRetry: true, Origin + 200);
        }
        var view = timeline.View();
        var duration = (long)Math.Ceiling(free.SelectMany(f => f).Max() / 1000.0) - Origin;
        var nodes = Enumerable.Range(0, 3).Select(n => new NodeTally(Nodes[n], lanes[n], tallies[n].Batches, tallies[n].Items, tallies[n].BusyMicros / 1000,
            new NodeJobUsage("cpu-bound", lanes[n], $"{lanes[n]} effective cores", (200L + n) << 20, 90 + n, []))).ToList();
        var status = new JobStatus("j-20261203-report", "synthetic", JobPhase.Completed, item, item, batches, duration, 0, withFailures ? 150 : 0,
            nodes, "{\"sum\":42,\"note\":\"</script><b>x</b>\"}", withFailures ? Hostile : null, ["--items", item.ToString(), "--label", Hostile]);
        return (status, view);
    }
}
