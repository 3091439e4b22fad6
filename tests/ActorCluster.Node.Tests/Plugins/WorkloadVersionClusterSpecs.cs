using Akka.Actor;
using Akka.Cluster;
using ActorCluster.Core.Jobs;
using ActorCluster.Node.Agents;
using ActorCluster.Node.Hosting;
using ActorCluster.Protocol;
using ActorCluster.Protocol.Client;
using ActorCluster.Workloads;

namespace ActorCluster.Node.Tests.Plugins;

/// <summary>
/// Three nodes in this process that disagree about a workload as nodes with plugins do: the seed runs
/// synthetic in version A, one node in version B (another copy of the DLL), one not at all.
/// </summary>
public sealed class WorkloadVersionClusterSpecs : IAsyncLifetime
{
    private static readonly string VersionA = new('a', 64);
    private static readonly string VersionB = new('b', 64);
    private readonly List<InProcessNode> _nodes = [];
    private readonly string _dataRoot = Directory.CreateTempSubdirectory("actorcluster-versions-").FullName;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Enumerable.Reverse(_nodes)) await node.DisposeAsync();
        try { Directory.Delete(_dataRoot, recursive: true); } catch (IOException) { }
    }

    /// <summary>Every built-in, with synthetic as a plugin of <paramref name="syntheticVersion"/> (null = not installed).</summary>
    private static WorkloadRegistry Registry(string? syntheticVersion) =>
        WorkloadRegistry.Of(BuiltInWorkloads.All
            .Where(w => w.Name != "synthetic" || syntheticVersion is not null)
            .Select(w => w.Name == "synthetic" ? new InstalledWorkload(w, syntheticVersion!) : WorkloadRegistry.BuiltIn(w)));

    private async Task<ActorSystem> StartNode(WorkloadRegistry registry, params string[] seeds)
    {
        var storage = StorageSettings.Parse($"sqlite:{Path.Combine(_dataRoot, "cluster.db")}", _dataRoot);
        await storage.EnsureReachableAsync();
        var node = await InProcessNode.StartAsync(new NodeSettings
        {
            Port = 0,
            Seeds = seeds,
            Storage = storage,
            Agent = new NodeAgentSettings { Workers = 2, PlanReason = "test" },
        }, registry);
        _nodes.Add(node);
        return node.System;
    }

    private static async Task<JobStatus> Finished(JobClient client, string jobId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JobStatus status;
        do
        {
            await Task.Delay(100);
            status = await client.StatusAsync(jobId);
        } while (status.State == JobPhase.Running && DateTime.UtcNow < deadline);
        return status;
    }

    [Fact]
    public async Task Should_run_a_job_only_on_nodes_with_its_version_while_the_others_serve_other_jobs()
    {
        var seed = await StartNode(Registry(VersionA));
        var seedAt = $"127.0.0.1:{Cluster.Get(seed).SelfAddress.Port}";
        var otherCopy = await StartNode(Registry(VersionB), seedAt);
        var without = await StartNode(Registry(null), seedAt);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        // Every node, not only the seed: the client's contact may hand the submission to any node's gateway, which
        // refuses a workload no worker node it sees up runs (one CI run failed on a node that did not see itself up yet).
        while (new[] { seed, otherCopy, without }.Any(n => Cluster.Get(n).State.Members.Count(m => m.Status == MemberStatus.Up) < 3) && DateTime.UtcNow < deadline)
            await Task.Delay(100);

        await using var client = JobClient.Create([seedAt]);
        var versioned = await client.SubmitAsync("synthetic", ["--items", "2000", "--cost-us", "1000"]);
        var other = await client.SubmitAsync("memhog", ["--items", "300", "--mb-per-item", "1", "--ms-per-item", "10"]);
        var versionedStatus = await Finished(client, versioned.JobId);
        var otherStatus = await Finished(client, other.JobId);

        Assert.Equal(JobPhase.Completed, versionedStatus.State);
        Assert.Equal(2000, versionedStatus.ItemsCompleted);
        // The client's contact may hand the submission to any node: the job runs the version of the node that coordinates
        // it (one without the workload passes it on), and only on the node that has that version.
        var ran = Assert.Single(versionedStatus.Nodes, n => n.Items > 0).Address;
        Assert.Contains(ran, new[] { Cluster.Get(seed).SelfAddress.ToString(), Cluster.Get(otherCopy).SelfAddress.ToString() });
        Assert.Equal(JobPhase.Completed, otherStatus.State);
        Assert.Contains(otherStatus.Nodes, n => n.Address == Cluster.Get(otherCopy).SelfAddress.ToString() && n.Items > 0);
        Assert.Contains(otherStatus.Nodes, n => n.Address == Cluster.Get(without).SelfAddress.ToString() && n.Items > 0);
    }
}
