using System.CommandLine;
using ActorCluster.Admin.Client;
using ActorCluster.Admin.CommandLine;
using ActorCluster.Admin.Hosting;

namespace ActorCluster.Cli;

/// <summary>
/// <c>actorcluster health</c>: asks the node on this machine, through its loopback command host, whether it is an Up
/// member of its cluster. Exit 0 only then; the container image's HEALTHCHECK. A process that runs but has not joined,
/// is leaving or was downed is not healthy.
/// </summary>
public static class HealthCommand
{
    public static Command Create()
    {
        var port = CliOption.Int("--admin-port", "PORT", "the node's command host port on 127.0.0.1 (default 9110)", 1, 65535);
        var timeout = CliOption.Int("--timeout", "SECONDS", "give up after this long (default 5)", 1, 300);
        var command = new Command("health", "exit 0 when the node on this machine is an Up cluster member (reads its admin token file, or env ACTORCLUSTER_ADMIN_TOKEN)")
        {
            port, timeout,
        };
        command.SetAction((parsed, ct) => RunAsync(parsed.GetValue(port) ?? 9110, TimeSpan.FromSeconds(parsed.GetValue(timeout) ?? 5),
            parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error, ct));
        return command;
    }

    private static async Task<int> RunAsync(int port, TimeSpan timeout, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var token = Environment.GetEnvironmentVariable(CommandHostOptions.TokenVariable) is { Length: > 0 } env ? env : AdminTokenFile.Read(port);
        var lines = new List<string>();
        try
        {
            await using var client = await AdminClient.ConnectAsync("127.0.0.1", port, token, timeout, ct);
            var outcome = await client.RunAsync("cluster", "status", [], lines.Add, timeout, ct);
            if (!outcome.Ok)
            {
                await error.WriteLineAsync($"unhealthy: {outcome.Error}");
                return 1;
            }
        }
        catch (AdminClientException e)
        {
            await error.WriteLineAsync($"unhealthy: {e.Message}");
            return 1;
        }
        // The first line is this node: "akka.tcp://actorcluster@host:port | [roles] | up | reachable | version".
        var self = lines.FirstOrDefault() ?? "";
        var status = self.Split(" | ") is { Length: >= 3 } fields ? fields[2] : "unknown";
        if (status == "up")
        {
            await output.WriteLineAsync($"healthy: {self}");
            return 0;
        }
        await error.WriteLineAsync($"unhealthy: this node is not Up but {status}: {Core.Text.Echo.Shorten(self, 200)}");
        return 1;
    }
}
