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

    public bool HasRole(string role) => Roles.Contains(role, StringComparer.Ordinal);
}
