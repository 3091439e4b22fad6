using System.Text.Json.Nodes;
using ActorCluster.Core.Jobs;
using ActorCluster.Core.Web;
using ActorCluster.Protocol;

namespace ActorCluster.Web;

/// <summary>The API's JSON shapes, made from the wire messages; the names are the ones openapi.json documents.</summary>
public static class ApiJson
{
    /// <summary>A finished job's result is put into its status only up to this size; larger ones are left to `jobs result`.</summary>
    public const int MaxInlineResultChars = 1024 * 1024;

    public static string State(JobPhase phase) => phase.ToString().ToLowerInvariant();

    public static JsonObject Summary(JobSummary s)
    {
        var progress = JobPace.Of(s.State, s.ItemsTotal, s.ItemsCompleted, 0, s.DurationMs);
        return new JsonObject
        {
            ["id"] = s.JobId, ["workload"] = s.Workload, ["state"] = State(s.State), ["itemsTotal"] = s.ItemsTotal, ["itemsCompleted"] = s.ItemsCompleted,
            ["durationMs"] = s.DurationMs, ["percent"] = Round(progress.Percent), ["itemsPerSecond"] = Round(progress.ItemsPerSecond),
            ["etaSeconds"] = progress.EtaSeconds is { } eta ? Round(eta) : null,
        };
    }

    /// <param name="withResult">Include the result JSON (a status asked for once, not every update of a stream).</param>
    public static JsonObject Status(JobStatus s, bool withResult)
    {
        var progress = JobPace.Of(s.State, s.ItemsTotal, s.ItemsCompleted, s.ItemsFromCache, s.DurationMs);
        var json = new JsonObject
        {
            ["id"] = s.JobId, ["workload"] = s.Workload, ["state"] = State(s.State), ["args"] = new JsonArray(s.Args.Select(a => (JsonNode?)a).ToArray()),
            ["itemsTotal"] = s.ItemsTotal, ["itemsCompleted"] = s.ItemsCompleted, ["itemsFromCache"] = s.ItemsFromCache,
            ["itemsFailed"] = s.ItemsFailed, ["batches"] = s.Batches,
            ["durationMs"] = s.DurationMs, ["activeNodes"] = s.ActiveNodes, ["itemsExecutedMoreThanOnce"] = s.ItemsExecutedMoreThanOnce,
            ["percent"] = Round(progress.Percent), ["itemsPerSecond"] = Round(progress.ItemsPerSecond),
            ["etaSeconds"] = progress.EtaSeconds is { } eta ? Round(eta) : null, ["error"] = s.Error,
            ["nodes"] = new JsonArray(s.Nodes.Select(n => (JsonNode?)new JsonObject
            {
                ["address"] = n.Address, ["workers"] = n.Workers, ["batches"] = n.Batches, ["items"] = n.Items, ["busyMs"] = n.BusyMs,
                ["policy"] = n.Profile?.Policy, ["reason"] = n.Profile?.Reason, ["cpuPercent"] = n.Profile is { } p ? Round(p.CpuPercent) : null,
                ["peakRssBytes"] = n.Profile?.PeakRssBytes,
            }).ToArray()),
        };
        if (withResult && s.ResultJson is { } result)
        {
            if (result.Length <= MaxInlineResultChars)
            {
                try { json["result"] = JsonNode.Parse(result); }
                catch (System.Text.Json.JsonException) { json["result"] = result; }
            }
            else
                json["resultTooLarge"] = result.Length;
        }
        return json;
    }

    public static JsonObject Figures(NodeFigures f) => new()
    {
        ["cores"] = f.Cores, ["targetWorkers"] = f.TargetWorkers, ["workers"] = f.Workers, ["planReason"] = f.PlanReason,
        ["cpuPercent"] = Round(f.CpuPercent), ["rssBytes"] = f.RssBytes, ["memoryPressure"] = f.Pressure,
        ["batchesPerSecond"] = Round(f.BatchesPerSecond), ["uptimeMs"] = f.UptimeMs, ["creditsOutstanding"] = f.CreditsOutstanding,
    };

    public static JsonObject Error(string message) => new() { ["error"] = message };

    private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 2) : 0;
}
