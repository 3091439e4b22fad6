using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using ActorCluster.Core.Jobs;
using ActorCluster.Core.Text;
using ActorCluster.Protocol;
using ActorCluster.Protocol.Client;
using ActorCluster.Protocol.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorCluster.Web;

/// <summary>
/// The HTTP job API: the messages `submit` and `jobs` send to a job gateway, as routes. Every answer is JSON;
/// every error is <c>{"error": "..."}</c> with the status code that fits, and input is echoed shortened.
/// </summary>
public sealed class JobApi(ActorSystem system, IActorRef gateway, ClusterView cluster)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    /// <summary>Longer than the gateway's own wait for a slow store, so a submission's answer is never lost to our timeout first.</summary>
    private static readonly TimeSpan SubmitTimeout = TimeSpan.FromSeconds(35);
    private const int MaxJobIdChars = 128;
    private const int MaxArgs = 1024;
    private const int MaxStreams = 32;
    private int _streams;

    public void Map(IEndpointRouteBuilder app)
    {
        // Every handler takes more than an HttpContext: one that takes only that is a RequestDelegate, whose result is dropped.
        app.MapGet("/api/cluster", async (CancellationToken ct) => Json(await cluster.SnapshotAsync(ct)));
        app.MapGet("/api/jobs", async (CancellationToken ct) => Json(await ListAsync(ct)));
        app.MapGet("/api/jobs/{id}", async (string id, HttpContext http) =>
            await StatusAsync(id, http.RequestAborted) is { } status ? Json(ApiJson.Status(status, withResult: true)) : NoJob(id));
        app.MapGet("/api/jobs/{id}/timeline", async (string id, HttpContext http) =>
        {
            if (id.Length > MaxJobIdChars) return NoJob(id);
            var reply = await gateway.Ask<object>(new GetJobTimeline(id), AskTimeout, http.RequestAborted);
            return reply is JobTimelineReply t ? Json(JobTimelineJson.Build(t.Timeline)) : NoJob(id);
        });
        app.MapPost("/api/jobs", SubmitAsync);
        app.MapPost("/api/jobs/{id}/cancel", async (string id, HttpContext http) =>
        {
            if (id.Length > MaxJobIdChars) return NoJob(id);
            var reply = await gateway.Ask<object>(new CancelJob(id), AskTimeout, http.RequestAborted);
            return reply is JobStatus s ? Json(ApiJson.Status(s, withResult: false)) : NoJob(id);
        });
        app.MapGet("/api/jobs/{id}/events", JobEventsAsync);
        app.MapGet("/api/events", DashboardEventsAsync);
    }

    public static IResult Error(int status, string message) => Results.Json(ApiJson.Error(message), statusCode: status);

    private static IResult Json(JsonNode node, int status = 200) => Results.Text(node.ToJsonString(), "application/json", Encoding.UTF8, status);

    private static IResult NoJob(string id) => Error(404, $"no job '{Echo.Shorten(id)}'");

    private async Task<JsonObject> ListAsync(CancellationToken ct)
    {
        var list = await gateway.Ask<JobList>(new ListJobs(), AskTimeout, ct);
        return new JsonObject { ["jobs"] = new JsonArray(list.Jobs.Select(j => (JsonNode?)ApiJson.Summary(j)).ToArray()) };
    }

    private async Task<JobStatus?> StatusAsync(string id, CancellationToken ct) =>
        id.Length > MaxJobIdChars ? null : await gateway.Ask<object>(new GetJobStatus(id), AskTimeout, ct) as JobStatus;

    private async Task<IResult> SubmitAsync(HttpContext http, CancellationToken ct)
    {
        var body = await BoundedBody.ReadAsync(http.Request, WebOptions.MaxBodyBytes, http.RequestAborted);
        if (body is null)
            return Error(413, $"request body over {WebOptions.MaxBodyBytes / 1024} KB");
        if (ParseSubmission(body, out var error) is not { } submit)
            return Error(400, error!);
        var reply = await gateway.Ask<object>(submit, SubmitTimeout, http.RequestAborted);
        return reply switch
        {
            JobAccepted a => Results.Text(new JsonObject { ["id"] = a.JobId, ["itemsTotal"] = a.ItemsTotal, ["status"] = $"/api/jobs/{a.JobId}" }.ToJsonString(),
                "application/json", Encoding.UTF8, 201),
            JobRejected r => Error(400, r.Reason),
            _ => Error(502, "the job gateway gave no answer this node understands"),
        };
    }

    /// <summary><c>{"workload": "lfsr", "args": ["--degree", "18"], "noCache": false}</c>; anything else is a one-line reason.</summary>
    public static SubmitJob? ParseSubmission(byte[] body, out string? error)
    {
        error = null;
        JsonNode? root;
        try { root = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException e)
        {
            error = $"body is not JSON: {Echo.Shorten(e.Message, 120)}";
            return null;
        }
        if (root is not JsonObject obj)
        {
            error = "body must be a JSON object {\"workload\": NAME, \"args\": [ARG, ...]}";
            return null;
        }
        if (obj["workload"] is not JsonValue w || !w.TryGetValue<string>(out var workload) || workload.Length == 0)
        {
            error = "\"workload\" must be a workload name, e.g. \"lfsr\"";
            return null;
        }
        var args = new List<string>();
        switch (obj["args"])
        {
            case null: break;
            case JsonArray array when array.Count <= MaxArgs:
                foreach (var item in array)
                {
                    if (item is not JsonValue v || !v.TryGetValue<string>(out var arg))
                    {
                        error = $"\"args\" must be strings, got {Echo.Shorten(item?.ToJsonString() ?? "null")}";
                        return null;
                    }
                    args.Add(arg);
                }
                break;
            case JsonArray:
                error = $"\"args\" has more than {MaxArgs} entries";
                return null;
            default:
                error = "\"args\" must be an array of strings";
                return null;
        }
        var noCache = obj["noCache"] is JsonValue nc && nc.TryGetValue<bool>(out var b) && b;
        return new SubmitJob(workload, args, noCache);
    }

    /// <summary>Server-sent events: the job's status now and whenever it changes, until it ends; then an <c>end</c> event.</summary>
    private async Task JobEventsAsync(string id, HttpContext http)
    {
        var ct = http.RequestAborted;
        var first = await StatusAsync(id, ct);
        if (first is null)
        {
            await NoJob(id).ExecuteAsync(http);
            return;
        }
        if (!TryOpenStream())
        {
            await Error(503, $"too many open event streams (limit {MaxStreams})").ExecuteAsync(http);
            return;
        }
        try
        {
            StartStream(http);
            await SendAsync(http, "status", ApiJson.Status(first, withResult: false), ct);
            if (first.State == JobPhase.Running)
            {
                var follower = new JobFollower(system, (message, sender) => gateway.Tell(message, sender),
                    async jobId => await gateway.Ask<object>(new GetJobStatus(jobId), AskTimeout, ct) as JobStatus
                                   ?? throw new InvalidOperationException($"no job '{jobId}'"));
                await foreach (var status in follower.FollowAsync(id, ct))
                    await SendAsync(http, "status", ApiJson.Status(status, withResult: false), ct);
            }
            await SendAsync(http, "end", new JsonObject { ["id"] = id }, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            Interlocked.Decrement(ref _streams);
        }
    }

    /// <summary>The dashboard's feed while a page is open: the job list every second, the cluster every two.</summary>
    private async Task DashboardEventsAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        if (!TryOpenStream())
        {
            await Error(503, $"too many open event streams (limit {MaxStreams})").ExecuteAsync(http);
            return;
        }
        try
        {
            StartStream(http);
            using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1));
            for (var n = 0; !ct.IsCancellationRequested; n++)
            {
                try
                {
                    if (n % 2 == 0) await SendAsync(http, "cluster", await cluster.SnapshotAsync(ct), ct);
                    await SendAsync(http, "jobs", await ListAsync(ct), ct);
                }
                catch (AskTimeoutException)
                {
                    await SendAsync(http, "problem", ApiJson.Error("no answer from the cluster in time"), ct);
                }
                await tick.WaitForNextTickAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            Interlocked.Decrement(ref _streams);
        }
    }

    private bool TryOpenStream()
    {
        if (Interlocked.Increment(ref _streams) <= MaxStreams) return true;
        Interlocked.Decrement(ref _streams);
        return false;
    }

    private static void StartStream(HttpContext http)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
    }

    private static async Task SendAsync(HttpContext http, string name, JsonNode data, CancellationToken ct)
    {
        await http.Response.WriteAsync($"event: {name}\ndata: {data.ToJsonString()}\n\n", ct);
        await http.Response.Body.FlushAsync(ct);
    }
}
