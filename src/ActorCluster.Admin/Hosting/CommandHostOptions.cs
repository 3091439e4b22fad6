using ActorCluster.Admin.Protocol;

namespace ActorCluster.Admin.Hosting;

public sealed record CommandHostOptions
{
    public const int DefaultPort = 9110;
    public const string TokenVariable = "ACTORCLUSTER_ADMIN_TOKEN";

    /// <summary>Shorter tokens are refused at start-up: a short shared secret falls to guessing despite the backoff.</summary>
    public const int MinTokenLength = 16;

    public string Host { get; init; } = "127.0.0.1";

    /// <summary>0 = any free port; <see cref="CommandHost.Endpoint"/> tells which one after binding.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>
    /// Shared secret every client must present; the host does not start without one, on loopback either (a node makes
    /// its own there, <see cref="AdminTokenFile"/>).
    /// </summary>
    public string? Token { get; init; }

    /// <summary>TLS with the node's certificate; required off loopback (unless <see cref="AllowPlaintext"/>) so the token is never sent in clear text.</summary>
    public AdminTls? Tls { get; init; }

    /// <summary>The node's <c>--insecure</c>: off loopback without TLS all the same.</summary>
    public bool AllowPlaintext { get; init; }

    /// <summary>Shown to clients on connect (the node's address), so a prompt can say where it is.</summary>
    public string NodeName { get; init; } = "";

    public int MaxFrameBytes { get; init; } = WireProtocol.DefaultMaxFrameBytes;

    /// <summary>Authenticated sessions beyond this are told so and closed; an admin port never needs many.</summary>
    public int MaxConnections { get; init; } = 32;

    /// <summary>
    /// Connections not authenticated yet, counted apart from sessions. A newcomer beyond this pushes out the oldest
    /// one (one still silent first), so a flood of connections that never authenticate cannot keep a client with
    /// the token out.
    /// </summary>
    public int MaxUnauthenticatedConnections { get; init; } = 8;

    /// <summary>The answer to a failed authentication waits this long, doubling per failure in a row from one address...</summary>
    public TimeSpan AuthFailureDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>... up to this.</summary>
    public TimeSpan MaxAuthFailureDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>An address with no failed authentication for this long starts again at <see cref="AuthFailureDelay"/>.</summary>
    public TimeSpan AuthFailureQuietPeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A connection that has not said hello within this time is closed (half-open sockets, port scanners).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A connection with no command running and no request within this time is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Upper bound for a non-streaming command; streaming commands run until cancelled.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A client that stops reading our output is dropped after this long instead of pinning memory.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>The host cannot start: missing token for a non-loopback address, bad address, port in use.</summary>
public sealed class AdminHostException(string message, bool addressInUse = false, Exception? inner = null) : Exception(message, inner)
{
    public bool AddressInUse { get; } = addressInUse;
}
