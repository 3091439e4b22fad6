using System.Net;
using ActorCluster.Admin.Client;
using ActorCluster.Admin.Hosting;
using ActorCluster.Admin.Protocol;

namespace ActorCluster.Admin.Tests;

/// <summary>An in-process command host on a free loopback port with the fake palette, and a token unless the spec gives its own.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    public const string DefaultToken = "test-host-admin-token";

    public CommandHost Host { get; }
    public FakePalette Palette { get; } = new();
    public IPEndPoint Endpoint { get; }

    public TestHost(CommandHostOptions? options = null, Action<string>? log = null)
    {
        options ??= new CommandHostOptions();
        Token = options.Token ?? DefaultToken;
        Host = new CommandHost(options with { Port = 0, NodeName = "test-node", Token = Token }, log);
        Endpoint = Host.Start([Palette]);
    }

    public string Token { get; }

    /// <summary>As a client with the host's token.</summary>
    public Task<AdminClient> ConnectAsync() => ConnectAsync(Token);

    public Task<AdminClient> ConnectAsync(string? token, AdminTls? tls = null) =>
        AdminClient.ConnectAsync("127.0.0.1", Endpoint.Port, token, TimeSpan.FromSeconds(5), tls: tls);

    public async Task<(CommandOutcome Outcome, List<string> Lines)> RunAsync(string command, params string[] args)
    {
        await using var client = await ConnectAsync();
        var lines = new List<string>();
        var outcome = await client.RunAsync("fake", command, args, lines.Add, TimeSpan.FromSeconds(10));
        return (outcome, lines);
    }

    /// <summary>Open connections drain asynchronously after a client goes; wait for it, bounded.</summary>
    public async Task<bool> WaitForNoConnectionsAsync(TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (DateTime.UtcNow < until)
        {
            if (Host.OpenConnections == 0) return true;
            await Task.Delay(50);
        }
        return Host.OpenConnections == 0;
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
