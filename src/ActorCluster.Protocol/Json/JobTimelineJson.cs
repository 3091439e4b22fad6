using System.Text.Json.Nodes;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Protocol.Json;

/// <summary>
/// report.json's <c>timeline</c>: times in milliseconds since the job started (<c>originUnixMs</c>), nodes by index into
/// <c>nodes</c>, the batches and buckets as columns (one array per field) to keep 5,000 batches small.
/// timeline-charts.js draws it.
/// </summary>
public static class JobTimelineJson
{
    public static JsonObject Build(JobTimelineView t)
    {
        double Ms(long micros) => Math.Round((micros - t.OriginUnixMs * 1000) / 1000.0, 3);
        return new JsonObject
        {
            ["originUnixMs"] = t.OriginUnixMs,
            ["origin"] = DateTimeOffset.FromUnixTimeMilliseconds(t.OriginUnixMs).ToString("O"),
            ["bucketMs"] = t.BucketMs,
            ["nodes"] = new JsonArray(t.Nodes.Select(n => (JsonNode?)n).ToArray()),
            ["batchesTotal"] = t.BatchesTotal,
            ["itemsTotal"] = t.ItemsTotal,
            ["batchCapacity"] = t.BatchCapacity,
            ["batches"] = new JsonObject
            {
                ["node"] = Column(t.Batches, b => b.Node),
                ["worker"] = Column(t.Batches, b => b.Worker),
                ["startMs"] = Column(t.Batches, b => Ms(b.StartMicros)),
                ["endMs"] = Column(t.Batches, b => Ms(b.EndMicros)),
                ["firstItem"] = Column(t.Batches, b => b.FirstItem),
                ["items"] = Column(t.Batches, b => b.Items),
            },
            ["buckets"] = new JsonObject
            {
                ["atMs"] = Column(t.Buckets, b => b.OffsetMs),
                ["node"] = Column(t.Buckets, b => b.Node),
                ["batches"] = Column(t.Buckets, b => b.Batches),
                ["items"] = Column(t.Buckets, b => b.Items),
                ["busyMs"] = Column(t.Buckets, b => Math.Round(b.BusyMicros / 1000.0, 3)),
                ["maxBatchItems"] = Column(t.Buckets, b => b.MaxBatchItems),
            },
            ["failuresTotal"] = t.FailuresTotal,
            ["failures"] = new JsonArray(t.Failures.Select(f => (JsonNode?)new JsonObject
            {
                ["atMs"] = f.AtUnixMs - t.OriginUnixMs,
                ["node"] = f.Node,
                ["firstItem"] = f.FirstItem,
                ["items"] = f.Items,
                ["error"] = f.Error,
                ["willRetry"] = f.WillRetry,
            }).ToArray()),
            ["workers"] = new JsonArray(t.Workers.Select(w => (JsonNode?)new JsonObject
            {
                ["atMs"] = w.AtUnixMs - t.OriginUnixMs,
                ["node"] = w.Node,
                ["workers"] = w.Workers,
            }).ToArray()),
        };
    }

    private static JsonArray Column<T, TValue>(IReadOnlyList<T> rows, Func<T, TValue> value)
    {
        var column = new JsonArray();
        foreach (var row in rows) column.Add(JsonValue.Create(value(row)));
        return column;
    }
}
