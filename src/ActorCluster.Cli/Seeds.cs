using ActorCluster.Node.Hosting;

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
    private static string Normalize(string seed, string command)
    {
        var s = seed;
        var at = s.IndexOf('@');
        if (s.StartsWith("akka", StringComparison.Ordinal) && at > 0) s = s[(at + 1)..].TrimEnd('/');
        try
        {
            var (host, port) = NodeSettings.ParseHostPort(s);
            return $"{host}:{port}";
        }
        catch (FormatException)
        {
            throw new UsageException($"{command}: seed '{seed}' is not host:port");
        }
    }
}
