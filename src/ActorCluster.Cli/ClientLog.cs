using ActorCluster.Admin.Hosting;

namespace ActorCluster.Cli;

/// <summary>Where `submit`, `jobs` and `demo` put Akka's log lines instead of the terminal.</summary>
public static class ClientLog
{
    public const string Variable = "ACTORCLUSTER_CLIENT_LOG";

    /// <summary>env ACTORCLUSTER_CLIENT_LOG, else client.log in the user's runtime directory (next to the nodes' admin tokens).</summary>
    public static string Path => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path
        ? path
        : System.IO.Path.Combine(AdminTokenFile.Directory, "client.log");
}
