using System.Text.Json;
using System.Text.Json.Nodes;
using ActorCluster.Cli.Report;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol;
using ActorCluster.Protocol.Client;
using ActorCluster.Protocol.Json;

namespace ActorCluster.Cli;

/// <summary>Writes report.json (the job's outcome, per-node accounting, the workload's result and the job's timeline) and report.html beside it.</summary>
public static class JobReport
{
    /// <param name="timeline">The job's timeline (report.json's <c>timeline</c>, null when the coordinator gave none).</param>
    public static JsonObject Build(JobStatus status, IReadOnlyList<string> args, JobTimelineView? timeline = null)
    {
        var nodes = new JsonArray();
        foreach (var n in status.Nodes)
        {
            var node = new JsonObject
            {
                ["address"] = n.Address,
                ["workers"] = n.Workers,
                ["batches"] = n.Batches,
                ["items"] = n.Items,
                ["busyMs"] = n.BusyMs,
            };
            if (n.Profile is { } profile)
                node["profile"] = Profile(profile);
            nodes.Add(node);
        }
        var args2 = new JsonArray();
        foreach (var a in args) args2.Add(a);
        return new JsonObject
        {
            ["jobId"] = status.JobId,
            ["workload"] = status.Workload,
            ["args"] = args2,
            ["status"] = status.State.ToString(),
            ["itemsTotal"] = status.ItemsTotal,
            ["itemsCompleted"] = status.ItemsCompleted,
            ["batches"] = status.Batches,
            ["durationMs"] = status.DurationMs,
            ["itemsExecutedMoreThanOnce"] = status.ItemsExecutedMoreThanOnce,
            ["itemsFromCache"] = status.ItemsFromCache,
            ["itemsFailed"] = status.ItemsFailed,
            ["error"] = status.Error,
            ["nodes"] = nodes,
            ["result"] = status.ResultJson is null ? null : JsonNode.Parse(status.ResultJson),
            ["timeline"] = timeline is null ? null : JobTimelineJson.Build(timeline),
        };
    }

    /// <summary>The node's plan and why, its peak RSS and mean CPU while the job ran, and its pool resizes.</summary>
    public static JsonObject Profile(NodeJobUsage profile)
    {
        var resizes = new JsonArray();
        foreach (var r in profile.Resizes)
        {
            resizes.Add(new JsonObject
            {
                ["at"] = DateTimeOffset.FromUnixTimeMilliseconds(r.AtUnixMs).ToString("O"),
                ["action"] = r.Action,
                ["from"] = r.FromWorkers,
                ["to"] = r.ToWorkers,
                ["memoryUsed"] = Math.Round(r.MemoryFraction, 3),
                ["reason"] = r.Reason,
            });
        }
        return new JsonObject
        {
            ["policy"] = profile.Policy,
            ["workers"] = profile.Workers,
            ["reason"] = profile.Reason,
            ["peakRssMb"] = profile.PeakRssBytes / (1024 * 1024),
            ["cpuPercent"] = profile.CpuPercent,
            ["resizes"] = resizes,
        };
    }

    /// <summary>
    /// Writes DIR/results.jsonl from the job's stored records (one line per item, in item order), through a temporary
    /// file so a half-read one is never left behind. Null when the job has no records (its workload gives none).
    /// </summary>
    public static async Task<string?> WriteResultsAsync(string directory, JobClient client, string jobId)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "results.jsonl");
        var partial = path + ".part";
        long lines;
        await using (var writer = new StreamWriter(partial, append: false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" })
            lines = await client.WriteResultsAsync(jobId, writer);
        if (lines == 0)
        {
            File.Delete(partial);
            return null;
        }
        File.Move(partial, path, overwrite: true);
        return path;
    }

    /// <summary>Writes DIR/report.json and DIR/report.html; returns the path of report.json.</summary>
    public static string Write(string directory, JobStatus status, IReadOnlyList<string> args, JobTimelineView? timeline = null)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "report.json");
        var report = Build(status, args, timeline);
        File.WriteAllText(path, report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        JobReportHtml.Write(directory, status, report);
        return path;
    }

    /// <summary>The job's timeline for the report, or null (with a warning) when its coordinator does not give one.</summary>
    public static async Task<JobTimelineView?> TimelineAsync(JobClient client, string jobId)
    {
        try
        {
            return await client.TimelineAsync(jobId);
        }
        catch (JobClientException e)
        {
            Console.Error.WriteLine($"warning: report.html has no plots: no timeline for job {jobId}: {e.Message}");
            return null;
        }
    }
}
