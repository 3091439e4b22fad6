using System.Text.Json;
using ActorCluster.Core.Text;
using ActorCluster.Protocol;

namespace ActorCluster.Cli;

/// <summary>
/// What `submit` and `jobs watch` print when a job ends: its state, items, duration and rate, one line per node, and
/// the workload's result indented and cut to a few lines. report.json (--output) has all of it.
/// </summary>
public static class FinalSummary
{
    public const int ResultLines = 12;
    public const int LineWidth = 120;

    public static IReadOnlyList<string> Lines(JobStatus status, string? reportPath)
    {
        var seconds = Math.Max(status.DurationMs, 1) / 1000.0;
        var lines = new List<string>
        {
            $"job {status.JobId} {status.State}: {status.ItemsCompleted:N0}/{status.ItemsTotal:N0} items in {status.Batches:N0} batches, " +
            $"{seconds:F2} s ({status.ItemsCompleted / seconds:N0} items/s)" +
            (status.ItemsFromCache > 0 ? $"; {status.ItemsFromCache:N0} items from the result cache" : ""),
        };
        foreach (var n in status.Nodes)
            lines.Add($"  {n.Address}: {n.Workers} workers, {n.Batches} batches, {n.Items:N0} items, busy {n.BusyMs:N0} ms");
        if (status.ResultJson is { } result)
            lines.AddRange(Result(result, reportPath));
        return lines;
    }

    /// <summary>
    /// "result:" and the result's JSON: on that line when it fits, else indented, at most <see cref="ResultLines"/> lines of at most <see cref="LineWidth"/>
    /// characters; what is cut is counted and pointed to.
    /// </summary>
    public static IEnumerable<string> Result(string resultJson, string? reportPath)
    {
        if ($"result: {resultJson}".Length <= LineWidth)
        {
            yield return $"result: {resultJson}";
            yield break;
        }
        string[] body;
        try
        {
            using var parsed = JsonDocument.Parse(resultJson);
            body = JsonSerializer.Serialize(parsed.RootElement, Indented).ReplaceLineEndings("\n").Split('\n');
        }
        catch (JsonException)
        {
            body = [resultJson];
        }
        if (body.Length == 1)
        {
            yield return Echo.Shorten($"result: {body[0]}", LineWidth);
            yield break;
        }
        yield return "result:";
        foreach (var line in body.Take(ResultLines))
            yield return Echo.Shorten($"  {line}", LineWidth);
        if (body.Length > ResultLines)
            yield return $"  ... {body.Length - ResultLines:N0} more lines: " +
                         (reportPath is null ? "the whole result goes to DIR/report.json with --output DIR" : $"the whole result is in {reportPath}");
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
