using System.Text.Json;
using System.Text.Json.Nodes;
using ActorCluster.Node.Protocol;

namespace ActorCluster.Cli;

/// <summary>Writes report.json: the job's outcome, per-node accounting and the workload's result.</summary>
public static class JobReport
{
    public static JsonObject Build(JobStatus status, IReadOnlyList<string> args)
    {
        var nodes = new JsonArray();
        foreach (var n in status.Nodes)
        {
            nodes.Add(new JsonObject
            {
                ["address"] = n.Address,
                ["workers"] = n.Workers,
                ["batches"] = n.Batches,
                ["items"] = n.Items,
                ["busyMs"] = n.BusyMs,
            });
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
            ["error"] = status.Error,
            ["nodes"] = nodes,
            ["result"] = status.ResultJson is null ? null : JsonNode.Parse(status.ResultJson),
        };
    }

    public static string Write(string directory, JobStatus status, IReadOnlyList<string> args)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "report.json");
        File.WriteAllText(path, Build(status, args).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
