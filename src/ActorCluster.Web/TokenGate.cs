using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ActorCluster.Web;

/// <summary>
/// The admin host's rule over HTTP: off loopback every request needs the token, on loopback only changes (POST) do,
/// since any local user reaches a loopback port. The token comes as <c>Authorization: Bearer TOKEN</c>; it is
/// compared in constant time.
/// </summary>
public sealed class TokenGate(string? token, bool everyRequest)
{
    private readonly byte[]? _token = token is null ? null : Encoding.UTF8.GetBytes(token);

    public bool EveryRequest { get; } = everyRequest;

    public bool Required(HttpRequest request) => EveryRequest || HttpMethods.IsPost(request.Method);

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
