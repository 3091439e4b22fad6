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

    /// <summary>node.hocon and --config, read once; <see cref="NodeConfigFile.None"/> = every default.</summary>
    public NodeConfigFile ConfigFile { get; init; } = NodeConfigFile.None;

    public Agents.NodeAgentSettings Agent { get; init; } = new();

    public Jobs.CoordinatorSettings Coordinator { get; init; } = new();

    /// <summary>The pbm command host; off unless the caller (the CLI) turns it on.</summary>
    public Admin.AdminOptions Admin { get; init; } = ActorCluster.Node.Admin.AdminOptions.Off;

    /// <summary>Whether this node's agent runs exec jobs (--allow-exec).</summary>
    public bool AllowExec { get; init; }

    /// <summary>Where this node's plugin DLLs are (--plugins); null = none.</summary>
    public string? PluginsDir { get; init; }

    public bool HasRole(string role) => Roles.Contains(role, StringComparer.Ordinal);
}
