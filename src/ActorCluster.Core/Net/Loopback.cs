using System.Net;

namespace ActorCluster.Core.Net;

/// <summary>Whether a host as a user typed it stays on this machine.</summary>
public static class Loopback
{
    /// <summary>
    /// True for loopback addresses (127.0.0.0/8, ::1) and <c>localhost</c>. Everything else counts as reachable from
    /// other machines: 0.0.0.0 and :: (every interface) and any other name, which may resolve to anything later.
    /// </summary>
    public static bool IsLoopback(string host)
    {
        var h = host.Trim();
        if (h.StartsWith('[') && h.EndsWith(']')) h = h[1..^1];
        if (string.Equals(h, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(h, out var ip) && IPAddress.IsLoopback(ip);
    }
}
