using ActorCluster.Core.Text;

namespace ActorCluster.Core.Net;

/// <summary>
/// A network endpoint as people type it. The one parser for every <c>host:port</c> in the product: the node's
/// seeds, <c>submit --seed</c>, pbm's endpoint and <c>cluster down -a</c>. Besides <c>host:port</c> it accepts
/// <c>[ipv6]:port</c> and, as Lighthouse's <c>CLUSTER_SEEDS</c> does, a full <c>akka.tcp://system@host:port</c>.
/// </summary>
public readonly record struct HostPort(string Host, int Port)
{
    /// <summary>Parses <paramref name="text"/> or throws <see cref="FormatException"/> naming it (shortened).</summary>
    public static HostPort Parse(string text) =>
        TryParse(text, out var endpoint) ? endpoint : throw new FormatException($"'{Echo.Shorten(text)}' is not host:port");

    public static bool TryParse(string? text, out HostPort endpoint)
    {
        endpoint = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        var scheme = s.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            var at = s.IndexOf('@', scheme);
            if (at < 0) return false;
            s = s[(at + 1)..].TrimEnd('/');
        }
        var colon = s.LastIndexOf(':');
        if (colon <= 0 || colon == s.Length - 1) return false;
        if (!int.TryParse(s.AsSpan(colon + 1), System.Globalization.NumberStyles.None, null, out var port) || port is < 1 or > 65535)
            return false;
        var host = s[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        if (host.Length == 0 || host.Any(char.IsWhiteSpace)) return false;
        endpoint = new HostPort(host, port);
        return true;
    }

    /// <summary>
    /// True when <paramref name="text"/> is meant as an endpoint rather than a word (pbm's optional first
    /// argument): it ends in <c>:digits</c>. Whether it is a valid one is <see cref="Parse"/>'s to say.
    /// </summary>
    public static bool LooksLikeEndpoint(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0 && colon < text.Length - 1 && text.AsSpan(colon + 1).IndexOfAnyExceptInRange('0', '9') < 0;
    }

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
