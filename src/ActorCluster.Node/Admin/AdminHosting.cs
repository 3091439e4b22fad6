using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Hosting;
using ActorCluster.Admin.Hosting;
using ActorCluster.Admin.Palettes;
using ActorCluster.Node.Agents;
using ActorCluster.Node.Hosting;

namespace ActorCluster.Node.Admin;

public static class AdminHosting
{
    /// <summary>
    /// The node's pbm command host. The port is bound while the node is being composed, before it joins
    /// anything: a bad address or a busy port the user asked for fails start-up at once, with a reason.
    /// </summary>
    public static AkkaConfigurationBuilder WithAdminCommands(this AkkaConfigurationBuilder builder, AdminOptions options,
        NodeAgentSettings? agentSettings = null)
    {
        if (!options.Enabled) return builder;
        var announce = options.Announce ?? (_ => { });
        // On loopback every local user reaches the port: with no token given the node makes its own, in a file only its
        // user can read (AdminTokenFile). A token given is the user's to hand out; off loopback the host needs one given.
        var generated = options.Token is null && CommandHost.IsLoopbackHost(options.Host) ? AdminTokenFile.NewToken() : null;
        var host = new CommandHost(options.ToHostOptions() with { Token = options.Token ?? generated });
        try
        {
            host.Bind();
        }
        catch (AdminHostException e) when (e.AddressInUse && !options.PortExplicit)
        {
            // Several nodes on one machine all default to 9110: the first one gets it, the rest run without.
            announce($"admin: port {options.Port} in use, admin host disabled; use --admin-port");
            _ = host.DisposeAsync();
            return builder;
        }

        return builder.AddStartup((system, registry) =>
        {
            var palettes = new List<IPalette>
            {
                new ClusterPalette(system, options.ClusterWarning),
                new ClusterShardingPalette(system),
                new ActorPalette(system),
            };
            if (registry.TryGet<JobGatewayKey>(out var gateway))
                palettes.Add(new JobsPalette(system, gateway));
            registry.TryGet<NodeAgentKey>(out var agent);
            palettes.Add(new NodePalette(agent, agentSettings ?? new NodeAgentSettings()));

            // The welcome frame names the node, so a prompt shows which node it reached.
            var endpoint = host.Start(palettes, Cluster.Get(system).SelfAddress.ToString(), m => system.Log.Warning("{0}", m));
            announce($"admin: listening on {endpoint.Address}:{endpoint.Port}");
            if (generated is not null)
                announce(WriteTokenFile(endpoint.Port, generated));
            // Stop answering as soon as the node starts shutting down, not after the actor system is gone.
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "stop-admin-host", async () =>
            {
                await host.DisposeAsync();
                if (generated is not null) AdminTokenFile.Delete(endpoint.Port, generated);
                return Akka.Done.Instance;
            });
            system.RegisterOnTermination(() =>
            {
                host.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
                if (generated is not null) AdminTokenFile.Delete(endpoint.Port, generated);
            });
        });
    }

    /// <summary>The start-up line saying where local pbm finds the token; without the file the host still needs the token, so pbm needs --token.</summary>
    private static string WriteTokenFile(int port, string token)
    {
        try
        {
            return $"admin: token for this user's pbm in {AdminTokenFile.Write(port, token)}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"admin: cannot write the token file {AdminTokenFile.PathFor(port)} ({e.Message}); pbm needs --token or {CommandHostOptions.TokenVariable}";
        }
    }
}
