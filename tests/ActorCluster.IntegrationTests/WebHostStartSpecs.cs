using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace ActorCluster.IntegrationTests;

/// <summary>The admin host's rule for the web host off loopback: a token, and TLS or --insecure; then every data route needs the token.</summary>
public sealed class WebHostStartSpecs : IDisposable
{
    private const string Token = "web-host-start-specs-token-0123456789";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("actorcluster-webstart-");

    private string[] NodeArgs(params string[] extra) =>
        ["node", "--port", "0", "--admin-port", "off", "--data-dir", _data.FullName, "--http-host", "0.0.0.0", "--http-port", "0", .. extra];

    [Fact]
    public async Task Should_refuse_to_serve_off_loopback_without_a_token()
    {
        var run = await ActorClusterProgram.RunAsync(ActorClusterProgram.StartInfo(ActorClusterProgram.Dll, NodeArgs(),
            new Dictionary<string, string?> { ["ACTORCLUSTER_ADMIN_TOKEN"] = null }), Timeout);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: web host on 0.0.0.0 is reachable from other machines; set ACTORCLUSTER_ADMIN_TOKEN", run.Stderr);
        Assert.Single(run.StderrLines);
    }

    [Fact]
    public async Task Should_refuse_to_serve_off_loopback_without_tls_unless_insecure()
    {
        var run = await ActorClusterProgram.RunAsync(ActorClusterProgram.StartInfo(ActorClusterProgram.Dll, NodeArgs(),
            new Dictionary<string, string?> { ["ACTORCLUSTER_ADMIN_TOKEN"] = Token }), Timeout);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("has no TLS, so its token would cross the network in clear text", run.Stderr);
    }

    [Fact]
    public async Task Should_want_the_token_for_every_data_route_off_loopback_and_warn_on_the_page()
    {
        using var node = ActorClusterProgram.StartNode("insecure-web", NodeArgs("--insecure"),
            new Dictionary<string, string?> { ["ACTORCLUSTER_ADMIN_TOKEN"] = Token });
        await node.WaitUpAsync(Timeout);
        const string prefix = "http: dashboard on http://0.0.0.0:";
        var port = (await node.WaitForLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), Timeout))[prefix.Length..].TrimEnd('/');
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        Assert.Equal(401, (int)(await http.GetAsync("/api/cluster")).StatusCode);
        Assert.Equal(401, (int)(await http.GetAsync("/metrics")).StatusCode);
        Assert.Equal(200, (int)(await http.GetAsync("/")).StatusCode);
        var page = JsonNode.Parse(await http.GetStringAsync("/api/node"))!;
        Assert.True((bool)page["tokenForReading"]!);
        Assert.Contains("--insecure", (string)page["warning"]!);

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Assert.Equal(200, (int)(await http.GetAsync("/api/cluster")).StatusCode);
        Assert.Equal(200, (int)(await http.GetAsync("/metrics")).StatusCode);
    }

    public void Dispose()
    {
        try { _data.Delete(recursive: true); } catch (IOException) { }
    }
}
