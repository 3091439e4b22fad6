using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace ActorCluster.IntegrationTests;

/// <summary>One node's web host as its start-up lines announce it: the base URL and the token file it wrote.</summary>
public sealed class WebEndpoint : IDisposable
{
    private WebEndpoint(string baseUrl, string token)
    {
        BaseUrl = baseUrl;
        Token = token;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string BaseUrl { get; }
    public string Token { get; }
    public HttpClient Client { get; }

    public static async Task<WebEndpoint> OfAsync(NodeProcess node)
    {
        const string dashboard = "http: dashboard on ", tokenFile = "http: token for this user's POST requests in ";
        var url = (await node.WaitForLineAsync(l => l.StartsWith(dashboard, StringComparison.Ordinal), TimeSpan.FromSeconds(30)))[dashboard.Length..];
        var path = (await node.WaitForLineAsync(l => l.StartsWith(tokenFile, StringComparison.Ordinal), TimeSpan.FromSeconds(10)))[tokenFile.Length..];
        return new WebEndpoint(url, (await File.ReadAllTextAsync(path)).Trim());
    }

    public async Task<(int Status, JsonNode? Body)> GetAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        return ((int)response.StatusCode, await BodyAsync(response));
    }

    public async Task<(int Status, JsonNode? Body)> PostAsync(string path, string body, string? token = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if ((token == "" ? Token : token) is { } t) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", t);
        using var response = await Client.SendAsync(request);
        return ((int)response.StatusCode, await BodyAsync(response));
    }

    private static async Task<JsonNode?> BodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    public void Dispose() => Client.Dispose();
}
