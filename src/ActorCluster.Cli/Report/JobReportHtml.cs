using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorCluster.Protocol;
using ActorCluster.Web;

namespace ActorCluster.Cli.Report;

/// <summary>
/// report.html: one self-contained page (no CDN, viewable offline) with the job's summary, its per-node table and the
/// timeline's plots. Chart.js and timeline-charts.js are the dashboard's own files (embedded in ActorCluster.Web), inlined; the report's JSON goes in
/// as data, never as markup, and everything that came from the job (arguments, errors, addresses, the result) is
/// HTML-encoded.
/// </summary>
public static class JobReportHtml
{
    /// <summary>The vendored Chart.js (its licence is src/ActorCluster.Web/wwwroot/vendor/chart.js-LICENSE.md).</summary>
    public const string ChartJsVersion = "4.6.1";

    public static string Build(JobStatus status, JsonObject report, DateTimeOffset writtenAt)
    {
        var page = Asset("report-template.html");
        var data = report.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.Default })
            .Replace("</", "<\\/", StringComparison.Ordinal); // JavaScriptEncoder already writes '<' as \u003C; this is belt and braces
        var values = new Dictionary<string, string>
        {
            ["TITLE"] = Html($"ActorCluster job {status.JobId}: {status.Workload} {status.State}"),
            ["JOB_ID"] = Html(status.JobId),
            ["WRITTEN"] = Html(writtenAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)),
            ["CHART_VERSION"] = ChartJsVersion,
            ["SUMMARY"] = Summary(status),
            ["NODES"] = Nodes(status),
            ["TIMELINE_NOTE"] = report["timeline"] is null ? "No timeline: the job's coordinator did not give one (a node from before timelines?)." : "",
            ["RESULT"] = status.ResultJson is { } result
                ? $"<h2>Result</h2>\n<pre>{Html(ActorCluster.Core.Text.Echo.Shorten(result, 20_000))}</pre>"
                : "",
            ["DATA"] = data,
            ["CHART_JS"] = WithoutSourceMap(StaticAssets.Text("vendor/chart.umd.min.js")),
            ["TIMELINE_JS"] = StaticAssets.Text("timeline-charts.js"),
        };
        // One pass, so a value that happens to contain "{{NAME}}" is never expanded.
        var html = new StringBuilder(page.Length + data.Length + 256 * 1024);
        var at = 0;
        while (true)
        {
            var open = page.IndexOf("{{", at, StringComparison.Ordinal);
            if (open < 0) break;
            var close = page.IndexOf("}}", open, StringComparison.Ordinal);
            html.Append(page, at, open - at).Append(values[page[(open + 2)..close]]);
            at = close + 2;
        }
        return html.Append(page, at, page.Length - at).ToString();
    }

    public static string Write(string directory, JobStatus status, JsonObject report)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "report.html");
        File.WriteAllText(path, Build(status, report, DateTimeOffset.UtcNow), new UTF8Encoding(false));
        return path;
    }

    private static string Summary(JobStatus s)
    {
        var seconds = Math.Max(s.DurationMs, 1) / 1000.0;
        var rows = new List<(string, string)>
        {
            ("workload", $"{s.Workload} {string.Join(' ', s.Args)}"),
            ("state", s.State.ToString()),
            ("items", $"{s.ItemsCompleted:N0} of {s.ItemsTotal:N0}"),
            ("batches", $"{s.Batches:N0}"),
            ("duration", $"{seconds:N2} s"),
            ("throughput", $"{s.ItemsCompleted / seconds:N0} items/s"),
            ("items run more than once", $"{s.ItemsExecutedMoreThanOnce:N0}"),
            ("items from the result cache", $"{s.ItemsFromCache:N0}"),
        };
        if (s.Error is { } error) rows.Add(("error", error));
        var html = new StringBuilder("<dl class=\"summary\">\n");
        foreach (var (name, value) in rows)
        {
            var cls = name == "state" ? $" class=\"state-{s.State}\"" : "";
            html.Append($"<dt>{Html(name)}</dt><dd{cls}>{Html(value)}</dd>\n");
        }
        return html.Append("</dl>").ToString();
    }

    private static string Nodes(JobStatus s)
    {
        var total = Math.Max(1, s.Nodes.Sum(n => n.Items));
        var html = new StringBuilder("<table><thead><tr><th>node</th><th class=\"num\">workers</th><th class=\"num\">batches</th><th class=\"num\">items</th>" +
                                     "<th class=\"num\">share</th><th class=\"num\">busy (ms)</th><th>plan</th><th class=\"num\">peak RSS (MB)</th><th class=\"num\">CPU %</th></tr></thead><tbody>\n");
        foreach (var n in s.Nodes)
        {
            var p = n.Profile;
            html.Append($"<tr><td>{Html(n.Address)}</td><td class=\"num\">{n.Workers}</td><td class=\"num\">{n.Batches:N0}</td><td class=\"num\">{n.Items:N0}</td>" +
                        $"<td class=\"num\">{100.0 * n.Items / total:N1} %</td><td class=\"num\">{n.BusyMs:N0}</td>" +
                        $"<td>{(p is null ? "" : Html($"{p.Policy}: {p.Workers} workers, {p.Reason}"))}</td>" +
                        $"<td class=\"num\">{(p is null ? "" : (p.PeakRssBytes >> 20).ToString("N0", CultureInfo.InvariantCulture))}</td>" +
                        $"<td class=\"num\">{(p is null ? "" : p.CpuPercent.ToString("N1", CultureInfo.InvariantCulture))}</td></tr>\n");
        }
        if (s.Nodes.Count == 0) html.Append("<tr><td colspan=\"9\">no node ran a batch</td></tr>\n");
        return html.Append("</tbody></table>").ToString();
    }

    private static string Html(string text) => WebUtility.HtmlEncode(text);

    private static string WithoutSourceMap(string script)
    {
        var at = script.LastIndexOf("//# sourceMappingURL=", StringComparison.Ordinal);
        return at < 0 ? script : script[..at];
    }

    private static string Asset(string name)
    {
        using var stream = typeof(JobReportHtml).Assembly.GetManifestResourceStream($"ActorCluster.Cli.Report.{name}")
                           ?? throw new InvalidOperationException($"report asset {name} is not embedded in {typeof(JobReportHtml).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
