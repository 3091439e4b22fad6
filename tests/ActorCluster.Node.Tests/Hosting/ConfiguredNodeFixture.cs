using Akka.Actor;
using ActorCluster.Node.Agents;
using ActorCluster.Node.Hosting;

namespace ActorCluster.Node.Tests.Hosting;

/// <summary>One node composed as `actorcluster node --config extra.hocon` composes it, with a node.hocon of the spec's own.</summary>
public sealed class ConfiguredNodeFixture : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorcluster-hosting-").FullName;
    private InProcessNode _node = null!;

    public ActorSystem System => _node.System;

    public async ValueTask InitializeAsync()
    {
        var shipped = Path.Combine(_dir, "node.hocon");
        await File.WriteAllTextAsync(shipped, """
            akka.cluster.failure-detector.acceptable-heartbeat-pause = 4s
            akka.cluster.split-brain-resolver.stable-after = 9s
            """);
        var extra = Path.Combine(_dir, "extra.hocon");
        await File.WriteAllTextAsync(extra, "akka.cluster.split-brain-resolver.stable-after = 60s\n");
        var storage = StorageSettings.Parse($"sqlite:{Path.Combine(_dir, "cluster.db")}", _dir);
        await storage.EnsureReachableAsync();
        _node = await InProcessNode.StartAsync(new NodeSettings
        {
            Port = 0,
            Storage = storage,
            ConfigFile = NodeConfigFile.Load(shipped, extra),
            Agent = new NodeAgentSettings { Workers = 1, PlanReason = "test" },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
