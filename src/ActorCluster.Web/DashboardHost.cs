using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using ActorCluster.Admin.Hosting;
using ActorCluster.Node.Hosting;
using ActorCluster.Node.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace ActorCluster.Web;

/// <summary>
/// The node's web host: the dashboard (embedded static files), the HTTP job API and /metrics, on Kestrel in the node's
/// process. It holds no state of its own: every answer comes from the node's actors (the job gateway, each member's
/// node-figures actor) or the cluster's state.
/// </summary>
public sealed class DashboardHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string? _generatedToken;

    private DashboardHost(WebApplication app, IPEndPoint endpoint, string? generatedToken)
    {
        _app = app;
        Endpoint = endpoint;
        _generatedToken = generatedToken;
    }

    public IPEndPoint Endpoint { get; }

    /// <summary>
    /// Starts serving; off loopback only with a token and TLS (or --insecure), as the admin host. A default port
    /// already taken gives null (the second node on a machine runs without a web host); any other failure throws.
    /// </summary>
    public static async Task<DashboardHost?> StartAsync(ActorSystem system, WebOptions options)
    {
        if (!options.Enabled) return null;
        var announce = options.Announce ?? (_ => { });
        var loopback = CommandHost.IsLoopbackHost(options.Host);
        var address = ResolveAddress(options.Host);
        if (!loopback && string.IsNullOrEmpty(options.Token))
            throw new WebHostException($"web host on {options.Host} is reachable from other machines; set {CommandHostOptions.TokenVariable} to a shared token or bind it to 127.0.0.1");
        if (!string.IsNullOrEmpty(options.Token) && options.Token.Length < CommandHostOptions.MinTokenLength)
            throw new WebHostException($"admin token ({CommandHostOptions.TokenVariable}) has {options.Token.Length} characters; use at least {CommandHostOptions.MinTokenLength}");
        if (!loopback && options.Certificate is null && !options.AllowPlaintext)
            throw new WebHostException($"web host on {options.Host} is reachable from other machines and has no TLS, so its token would cross the network in clear text; " +
                                       "give the node --tls-cert and --tls-ca, bind it to 127.0.0.1, or start with --insecure");
        // On loopback with no token given, the node makes one that only its user can read, as for the admin host.
        var generated = string.IsNullOrEmpty(options.Token) ? AdminTokenFile.NewToken() : null;
        var gate = new TokenGate(options.Token ?? generated, everyRequest: !loopback);

        var gateway = ActorRegistry.For(system).Get<JobGatewayKey>();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Kestrel's own cap is above ours: a body over 64 KB is answered 413 by the API (as JSON) while Kestrel drains
            // the rest, so the client reads the answer instead of a reset connection; beyond 1 MB Kestrel cuts it off.
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.MaxConcurrentConnections = 256;
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, options.Port, listen =>
            {
                if (options.Certificate is { } certificate) listen.UseHttps(certificate);
            });
        });
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ActorClusterMetrics.MeterName)
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        var app = builder.Build();
        var assets = StaticAssets.Load(Assembly.GetExecutingAssembly());
        app.Use(async (http, next) =>
        {
            if (gate.Required(http.Request) && !gate.Admits(http.Request))
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                await JobApi.Error(401, $"wrong or missing token: send Authorization: Bearer TOKEN ({CommandHostOptions.TokenVariable}" +
                                        (generated is null ? ")" : $", or the one in {AdminTokenFile.Directory})")).ExecuteAsync(http);
                return;
            }
            try
            {
                await next(http);
            }
            catch (Exception e) when (!http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
            {
                var (status, message) = e switch
                {
                    AskTimeoutException => (504, "no answer from the cluster in time"),
                    BadHttpRequestException bad => (bad.StatusCode, Core.Text.Echo.Shorten(bad.Message, 200)),
                    _ => (500, $"internal error: {Core.Text.Echo.Shorten(e.GetBaseException().Message.ReplaceLineEndings(" "), 200)}"),
                };
                await JobApi.Error(status, message).ExecuteAsync(http);
            }
            catch (Exception) when (http.RequestAborted.IsCancellationRequested) { }
        });
        var api = new JobApi(system, gateway, new ClusterView(system));
        api.Map(app);
        app.MapGet("/api/node", () => Results.Text(new JsonObject
        {
            ["warning"] = options.Warning, ["tls"] = options.Certificate is not null, ["tokenForReading"] = gate.EveryRequest,
        }.ToJsonString(), "application/json"));
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/api/openapi.json", () => assets.Serve("openapi.json"));
        app.MapGet("/{**path}", (string? path) => assets.Serve(path));
        app.MapFallback((HttpContext http) => JobApi.Error(404, $"no route {http.Request.Method} {Core.Text.Echo.Shorten(http.Request.Path.Value ?? "", 100)}"));

        try
        {
            await app.StartAsync();
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await app.DisposeAsync();
            if (!options.PortExplicit)
            {
                announce($"http: port {options.Port} in use, web host disabled; use --http-port");
                return null;
            }
            throw new WebHostException($"http port {options.Host}:{options.Port} is already in use", e);
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var endpoint = new IPEndPoint(address, new Uri(bound).Port);
        var scheme = options.Certificate is null ? "http" : "https";
        announce($"http: dashboard on {scheme}://{(address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString())}:{endpoint.Port}/");
        if (generated is not null)
            announce(WriteTokenFile(endpoint.Port, generated));
        return new DashboardHost(app, endpoint, generated);
    }

    private static string WriteTokenFile(int port, string token)
    {
        try
        {
            return $"http: token for this user's POST requests in {AdminTokenFile.Write(port, token, AdminTokenFile.HttpKind)}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"http: cannot write the token file ({e.Message}); POST requests are refused until the node has {CommandHostOptions.TokenVariable}";
        }
    }

    private static IPAddress ResolveAddress(string host)
    {
        if (IPAddress.TryParse(host, out var ip)) return ip;
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
        try
        {
            return Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                   ?? throw new WebHostException($"--http-host '{Core.Text.Echo.Shorten(host)}' has no IPv4 address");
        }
        catch (SocketException e)
        {
            throw new WebHostException($"--http-host '{Core.Text.Echo.Shorten(host)}' does not resolve: {e.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try { await _app.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(3)).Token); }
        catch (Exception) { /* stopping anyway */ }
        await _app.DisposeAsync();
        if (_generatedToken is not null) AdminTokenFile.Delete(Endpoint.Port, _generatedToken, AdminTokenFile.HttpKind);
    }
}
