using ActorCluster.Core.Net;
using ActorCluster.Core.Security;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Hosting;

/// <summary>Everything a node needs to start, after command line, environment and config have been merged.</summary>
public sealed record NodeSettings
{
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>0 = any free port.</summary>
    public int Port { get; init; } = ClusterNames.DefaultPort;

    /// <summary>Address other nodes use to reach this one when it differs from <see cref="Host"/> (containers, NAT).</summary>
    public string? PublicHost { get; init; }

    /// <summary>host:port of seed nodes; empty = this node is its own seed.</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    public IReadOnlyList<string> Roles { get; init; } = ["coordinator", "worker"];

    public string DataDir { get; init; } = "data";

    /// <summary>Where job coordinators persist; null = a SQLite file in <see cref="DataDir"/>.</summary>
    public StorageSettings? Storage { get; init; }

    public StorageSettings EffectiveStorage => Storage ?? StorageSettings.Parse(null, DataDir);

    /// <summary>The result cache's most bytes in the job store; null = the config file's (512 MB by default).</summary>
    public long? ResultCacheMaxBytes { get; init; }

    public long EffectiveResultCacheMaxBytes => ResultCacheMaxBytes ?? ConfigFile.ResultCacheMaxBytes;

    /// <summary>node.hocon and --config, read once; <see cref="NodeConfigFile.None"/> = every default.</summary>
    public NodeConfigFile ConfigFile { get; init; } = NodeConfigFile.None;

    public Agents.NodeAgentSettings Agent { get; init; } = new();

    public Jobs.CoordinatorSettings Coordinator { get; init; } = new();

    /// <summary>The pbm command host; off unless the caller (the CLI) turns it on.</summary>
    public Admin.AdminOptions Admin { get; init; } = ActorCluster.Node.Admin.AdminOptions.Off;

    /// <summary>Mutual TLS on the cluster port (and the admin host off loopback); null = plain TCP.</summary>
    public TlsIdentity? Tls { get; init; }

    /// <summary><c>--insecure</c>: start without TLS even where other machines can reach the cluster port.</summary>
    public bool Insecure { get; init; }

    /// <summary>
    /// The address by which other machines could reach this node's cluster port (bound or advertised off loopback),
    /// or null when it stays on this machine. Without TLS such a node accepts jobs, members and commands from anyone.
    /// </summary>
    public string? ExposedAt =>
        !Loopback.IsLoopback(Host) ? Host : PublicHost is { } advertised && !Loopback.IsLoopback(advertised) ? advertised : null;

    /// <summary>Whether this node's agent runs exec jobs (--allow-exec).</summary>
    public bool AllowExec { get; init; }

    /// <summary>Where this node's plugin DLLs are (--plugins); null = none.</summary>
    public string? PluginsDir { get; init; }

    public bool HasRole(string role) => Roles.Contains(role, StringComparer.Ordinal);
}
