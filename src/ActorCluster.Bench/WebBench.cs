using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ActorCluster.Protocol.Processes;

namespace ActorCluster.Bench;

/// <summary>
/// A node's web host as a script sees it: its URL and token from the node's start-up lines, a job submitted with
/// POST and followed over server-sent events to its end, and the load a dashboard puts on a node (its live feed
/// open, /metrics scraped every second).
/// </summary>
public sealed class WebBench : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _token;

    private WebBench(string baseUrl, string token)
    {
        _http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = Timeout.InfiniteTimeSpan };
        _token = token;
    }

    public static async Task<WebBench> OfAsync(NodeProcess node)
    {
        const string dashboard = "http: dashboard on ", tokenFile = "http: token for this user's POST requests in ";
        var url = (await node.WaitForLineAsync(l => l.StartsWith(dashboard, StringComparison.Ordinal), TimeSpan.FromSeconds(30)))[dashboard.Length..];
        var path = (await node.WaitForLineAsync(l => l.StartsWith(tokenFile, StringComparison.Ordinal), TimeSpan.FromSeconds(10)))[tokenFile.Length..];
        return new WebBench(url, (await File.ReadAllTextAsync(path)).Trim());
    }

    /// <summary>POST the job, then read its event stream until <c>end</c>; the seconds from before the POST to the end, and the final state.</summary>
    public async Task<(double Seconds, string State)> SubmitAndFollowAsync(string workload, IReadOnlyList<string> args, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        var body = new JsonObject { ["workload"] = workload, ["args"] = new JsonArray(args.Select(a => (JsonNode?)a).ToArray()), ["noCache"] = true };
        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        using var response = await _http.SendAsync(request, limit.Token);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(limit.Token))!;
        if ((int)response.StatusCode != 201) throw new BenchFailure($"POST /api/jobs answered {(int)response.StatusCode}: {answer["error"]}");
        var id = (string)answer["id"]!;
        await using var stream = await _http.GetStreamAsync($"/api/jobs/{id}/events", limit.Token);
        using var reader = new StreamReader(stream);
        var state = "running";
        string? name = null;
        while (await reader.ReadLineAsync(limit.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name == "status") state = (string)JsonNode.Parse(line[6..])!["state"]!;
            else if (line.Length == 0 && name == "end") return (clock.Elapsed.TotalSeconds, state);
        }
        throw new BenchFailure($"job {id}: its event stream ended before the job did");
    }

    /// <summary>What an open dashboard does to a node until disposed: its live feed read, /metrics scraped every second.</summary>
    public IAsyncDisposable Watch()
    {
        var stop = new CancellationTokenSource();
        var feed = Task.Run(async () =>
        {
            try
            {
                await using var stream = await _http.GetStreamAsync("/api/events", stop.Token);
                var buffer = new byte[16 * 1024];
                while (await stream.ReadAsync(buffer, stop.Token) > 0) { }
            }
            catch (Exception) when (stop.IsCancellationRequested) { }
        });
        var scrapes = 0;
        var scraper = Task.Run(async () =>
        {
            using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1));
            try
            {
                do
                {
                    var text = await _http.GetStringAsync("/metrics", stop.Token);
                    if (!text.Contains("actorcluster_", StringComparison.Ordinal)) throw new BenchFailure("/metrics has no actorcluster metrics");
                    scrapes++;
                } while (await tick.WaitForNextTickAsync(stop.Token));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        });
        return new Watching(stop, [feed, scraper], () => scrapes);
    }

    public void Dispose() => _http.Dispose();

    private sealed class Watching(CancellationTokenSource stop, Task[] tasks, Func<int> scrapes) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await Task.WhenAll(tasks);
            if (scrapes() == 0) throw new BenchFailure("/metrics was never scraped");
            stop.Dispose();
        }
    }
}
