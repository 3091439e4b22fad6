using ActorCluster.Core.Text;
using System.CommandLine;
using ActorCluster.Admin.CommandLine;
using ActorCluster.Core.Net;

namespace ActorCluster.Cli;

public static class Seeds
{
    /// <summary><c>--seed HOST:PORT</c>, repeatable, each a comma-separated list; every seed must be host:port.</summary>
    public static Option<string[]> CreateOption(string description) =>
        CliOption.Repeated("--seed", "HOST:PORT", description)
            .Check(values => values.SelectMany(Split).FirstOrDefault(s => !HostPort.TryParse(s, out _)) is { } bad ? NotHostPort(bad) : null);

    /// <summary>Seeds from repeated <c>--seed</c> flags, else from <c>CLUSTER_SEEDS</c> (comma-separated host:port or akka addresses).</summary>
    public static IReadOnlyList<string> Resolve(IReadOnlyList<string>? flagged, string command)
    {
        var seeds = (flagged ?? []).SelectMany(Split).ToList();
        if (seeds.Count == 0)
        {
            var env = Environment.GetEnvironmentVariable("CLUSTER_SEEDS");
            if (!string.IsNullOrWhiteSpace(env))
                seeds = Split(env).ToList();
        }
        return seeds.Select(s => Normalize(s, command)).ToList();
    }

    private static IEnumerable<string> Split(string seeds) =>
        seeds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Accepts host:port or a full akka.tcp://system@host:port address (Lighthouse style).</summary>
    private static string Normalize(string seed, string command) =>
        HostPort.TryParse(seed, out var endpoint) ? endpoint.ToString() : throw new UsageException($"{command}: {NotHostPort(seed)}");

    private static string NotHostPort(string seed) => $"seed '{Echo.Shorten(seed)}' is not host:port";
}
