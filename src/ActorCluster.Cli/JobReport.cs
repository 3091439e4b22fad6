using System.Text.Json;
using System.Text.Json.Nodes;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol;
using ActorCluster.Protocol.Client;

namespace ActorCluster.Cli;

/// <summary>Writes report.json: the job's outcome, per-node accounting and the workload's result.</summary>
public static class JobReport
{
    public static JsonObject Build(JobStatus status, IReadOnlyList<string> args)
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
            ["error"] = status.Error,
            ["nodes"] = nodes,
            ["result"] = status.ResultJson is null ? null : JsonNode.Parse(status.ResultJson),
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

    public static string Write(string directory, JobStatus status, IReadOnlyList<string> args)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "report.json");
        File.WriteAllText(path, Build(status, args).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
