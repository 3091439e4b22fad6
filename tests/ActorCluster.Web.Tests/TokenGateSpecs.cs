using Microsoft.AspNetCore.Http;

namespace ActorCluster.Web.Tests;

public sealed class TokenGateSpecs
{
    private const string Token = "0123456789abcdef0123456789abcdef";

    private static HttpRequest Request(string method, string path, string? authorization = null)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.Request.Path = path;
        if (authorization is not null) http.Request.Headers.Authorization = authorization;
        return http.Request;
    }

    [Fact]
    public void Should_let_reads_through_on_loopback_but_not_changes()
    {
        var gate = new TokenGate(Token, everyRequest: false);

        Assert.False(gate.Required(Request("GET", "/api/jobs")));
        Assert.False(gate.Required(Request("GET", "/metrics")));
        Assert.True(gate.Required(Request("POST", "/api/jobs")));
        Assert.True(gate.Required(Request("POST", "/api/jobs/j-1/cancel")));
    }

    [Fact]
    public void Should_guard_every_data_route_off_loopback_but_not_the_page_itself()
    {
        var gate = new TokenGate(Token, everyRequest: true);

        Assert.True(gate.Required(Request("GET", "/api/jobs")));
        Assert.True(gate.Required(Request("GET", "/api/jobs/j-1/events")));
        Assert.True(gate.Required(Request("GET", "/metrics")));
        Assert.False(gate.Required(Request("GET", "/")));
        Assert.False(gate.Required(Request("GET", "/dashboard.js")));
        Assert.False(gate.Required(Request("GET", "/api/node")));
    }

    [Fact]
    public void Should_admit_only_the_exact_bearer_token()
    {
        var gate = new TokenGate(Token, everyRequest: true);

        Assert.True(gate.Admits(Request("POST", "/api/jobs", $"Bearer {Token}")));
        Assert.True(gate.Admits(Request("POST", "/api/jobs", $"bearer {Token}")));
        Assert.False(gate.Admits(Request("POST", "/api/jobs", $"Bearer {Token}x")));
        Assert.False(gate.Admits(Request("POST", "/api/jobs", $"Bearer {Token[..^1]}")));
        Assert.False(gate.Admits(Request("POST", "/api/jobs", $"Basic {Token}")));
        Assert.False(gate.Admits(Request("POST", "/api/jobs")));
        Assert.False(new TokenGate(null, everyRequest: false).Admits(Request("POST", "/api/jobs", "Bearer ")));
    }
}
