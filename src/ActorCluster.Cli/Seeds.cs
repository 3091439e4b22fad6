using ActorCluster.Core.Net;

namespace ActorCluster.Cli;

public static class Seeds
{
    /// <summary>Seeds from repeated <c>--seed</c> flags, else from <c>CLUSTER_SEEDS</c> (comma-separated host:port or akka addresses).</summary>
    public static IReadOnlyList<string> Resolve(CommandLine cl, string command)
    {
        var seeds = cl.GetAll("seed").SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (seeds.Count == 0)
        {
            var env = Environment.GetEnvironmentVariable("CLUSTER_SEEDS");
            if (!string.IsNullOrWhiteSpace(env))
                seeds = env.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        }
        return seeds.Select(s => Normalize(s, command)).ToList();
    }

    /// <summary>Accepts host:port or a full akka.tcp://system@host:port address (Lighthouse style).</summary>
    private static string Normalize(string seed, string command) =>
        HostPort.TryParse(seed, out var endpoint)
            ? endpoint.ToString()
            : throw new UsageException($"{command}: seed '{HostPort.Shorten(seed)}' is not host:port");
}
