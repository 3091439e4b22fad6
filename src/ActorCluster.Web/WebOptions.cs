using System.Security.Cryptography.X509Certificates;

namespace ActorCluster.Web;

/// <summary>Where a node's web host (dashboard, HTTP job API, /metrics) listens, and how it lets callers in.</summary>
public sealed record WebOptions
{
    /// <summary>No web host (nodes built in code, e.g. in tests; the CLI turns it on).</summary>
    public static WebOptions Off { get; } = new() { Enabled = false };

    public const int DefaultPort = 9120;
    public const string PortVariable = "ACTORCLUSTER_HTTP_PORT";
    public const string PortKey = "actorcluster.http-port";

    /// <summary>The largest request body read (a job's workload and args): more is refused with 413 before it is read.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public bool Enabled { get; init; } = true;

    public string Host { get; init; } = "127.0.0.1";

    /// <summary>0 = any free port.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>False for the default port: the second node on a machine runs without a web host instead of failing.</summary>
    public bool PortExplicit { get; init; }

    /// <summary>The node's admin token (ACTORCLUSTER_ADMIN_TOKEN): every POST needs it, and off loopback every request.</summary>
    public string? Token { get; init; }

    /// <summary>The node's certificate: HTTPS, required off loopback unless <see cref="AllowPlaintext"/>.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>The node's --insecure: off loopback without TLS anyway, and the page says so in a banner.</summary>
    public bool AllowPlaintext { get; init; }

    /// <summary>A warning the page shows on top (the node runs --insecure).</summary>
    public string? Warning { get; init; }

    public Action<string>? Announce { get; init; }
}
