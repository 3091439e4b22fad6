namespace ActorCluster.Node.Hosting;

/// <summary>Everything a node needs to start, after command line, environment and config have been merged.</summary>
public sealed record NodeSettings
{
    public const string SystemName = "actorcluster";
    public const int DefaultPort = 4053;

    public string Host { get; init; } = "127.0.0.1";

    /// <summary>0 = any free port.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Address other nodes use to reach this one when it differs from <see cref="Host"/> (containers, NAT).</summary>
    public string? PublicHost { get; init; }

    /// <summary>host:port of seed nodes; empty = this node is its own seed.</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    public IReadOnlyList<string> Roles { get; init; } = ["coordinator", "worker"];

    public string DataDir { get; init; } = "data";

    /// <summary>Where job coordinators persist; null = a SQLite file in <see cref="DataDir"/>.</summary>
    public StorageSettings? Storage { get; init; }

    public StorageSettings EffectiveStorage => Storage ?? StorageSettings.Parse(null, DataDir);

    public Agents.NodeAgentSettings Agent { get; init; } = new();

    public Jobs.CoordinatorSettings Coordinator { get; init; } = new();

    /// <summary>The pbm command host; off unless the caller (the CLI) turns it on.</summary>
    public Admin.AdminOptions Admin { get; init; } = ActorCluster.Node.Admin.AdminOptions.Off;

    public bool HasRole(string role) => Roles.Contains(role, StringComparer.Ordinal);

    /// <summary>Turns <c>host:port</c> into the Akka address of a node of this cluster.</summary>
    public static string SeedAddress(string hostPort)
    {
        var (host, port) = ParseHostPort(hostPort);
        return $"akka.tcp://{SystemName}@{host}:{port}";
    }

    public static (string Host, int Port) ParseHostPort(string hostPort)
    {
        var colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || colon == hostPort.Length - 1 || !int.TryParse(hostPort[(colon + 1)..], out var port) || port is < 1 or > 65535)
            throw new FormatException($"'{hostPort}' is not host:port");
        return (hostPort[..colon], port);
    }
}
