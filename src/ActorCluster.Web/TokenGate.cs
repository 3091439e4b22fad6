using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ActorCluster.Web;

/// <summary>
/// The admin host's rule over HTTP: off loopback every request for data (/api, /metrics) needs the token, on loopback
/// only changes (POST) do, since any local user reaches a loopback port. The page's own files and /api/node (whether
/// the node runs --insecure) hold no data and are served to anyone, so a browser can load the page that asks for the
/// token. The token comes as <c>Authorization: Bearer TOKEN</c>; it is compared in constant time.
/// </summary>
public sealed class TokenGate(string? token, bool everyRequest)
{
    private readonly byte[]? _token = token is null ? null : Encoding.UTF8.GetBytes(token);

    public bool EveryRequest { get; } = everyRequest;

    public bool Required(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) || EveryRequest && IsData(request.Path);

    private static bool IsData(PathString path) =>
        path != "/api/node" && (path.StartsWithSegments("/api") || path.StartsWithSegments("/metrics"));

    public bool Admits(HttpRequest request)
    {
        if (_token is null) return false;
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length > 1024) return false;
        var given = Encoding.UTF8.GetBytes(header[scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(given, _token);
    }
}
