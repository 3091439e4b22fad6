using ActorCluster.Admin.Hosting;
using ActorCluster.Admin.Protocol;

namespace ActorCluster.Node.Admin;

/// <summary>Where a node's pbm command host listens, and whether it runs at all.</summary>
public sealed record AdminOptions
{
    /// <summary>No command host (the default for nodes built in code, e.g. in tests; the CLI turns it on).</summary>
    public static AdminOptions Off { get; } = new() { Enabled = false };

    public bool Enabled { get; init; } = true;

    public string Host { get; init; } = "127.0.0.1";

    /// <summary>0 = any free port.</summary>
    public int Port { get; init; } = CommandHostOptions.DefaultPort;

    /// <summary>
    /// False when the port is the default one: several nodes on one machine would all want 9110, so only
    /// the first gets it and the others run without a host (with a warning) instead of failing to start.
    /// </summary>
    public bool PortExplicit { get; init; }

    /// <summary>Shared token (ACTORCLUSTER_ADMIN_TOKEN); mandatory when <see cref="Host"/> is not loopback.</summary>
    public string? Token { get; init; }

    /// <summary>A warning <c>pbm cluster show</c> puts above the members (a node started with --insecure).</summary>
    public string? ClusterWarning { get; init; }

    /// <summary>Receives the one-line start-up messages (listening on / disabled because ...).</summary>
    public Action<string>? Announce { get; init; }

    /// <summary>TLS with the node's certificate; the CLI sets it only for a host bound off loopback.</summary>
    public AdminTls? Tls { get; init; }

    /// <summary>The node's --insecure: a host off loopback may run without TLS.</summary>
    public bool AllowPlaintext { get; init; }

    public CommandHostOptions ToHostOptions() => new() { Host = Host, Port = Port, Token = Token, Tls = Tls, AllowPlaintext = AllowPlaintext };
}
