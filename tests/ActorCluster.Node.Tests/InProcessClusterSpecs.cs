using Akka.Actor;
using Akka.Cluster;
using ActorCluster.Core.Agents;
using ActorCluster.Core.Jobs;
using ActorCluster.Node.Agents;
using ActorCluster.Node.Jobs;
using ActorCluster.Protocol.Client;
using ActorCluster.Node.Hosting;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Tests;

/// <summary>
/// Two full nodes (two ActorSystems composed as `actorcluster node` composes them) on loopback, and
/// a ClusterClient outside the cluster submitting through the seed.
/// </summary>
public sealed class InProcessClusterSpecs : IAsyncLifetime
{
    private readonly List<InProcessNode> _nodes = [];
    private readonly string _dataRoot = Directory.CreateTempSubdirectory("actorcluster-spec-").FullName;

    private Task<ActorSystem> StartNode(int port, params string[] seeds) => StartNode(port, seeds, registry: null);

    private async Task<ActorSystem> StartNode(int port, string[] seeds, WorkloadRegistry? registry = null, CoordinatorSettings? coordinator = null,
        NodeBounds? bounds = null)
    {
        var storage = StorageSettings.Parse($"sqlite:{Path.Combine(_dataRoot, "cluster.db")}", _dataRoot);
        await storage.EnsureReachableAsync();
        var settings = new NodeSettings
        {
            Port = port,
            Seeds = seeds,
            Storage = storage,
            Agent = new NodeAgentSettings { Workers = 2, PlanReason = "test", Bounds = bounds ?? NodeBounds.Unknown },
            Coordinator = coordinator ?? new CoordinatorSettings(),
        };
        var node = await InProcessNode.StartAsync(settings, registry ?? TestConfig.Registry());
        _nodes.Add(node);
        return node.System;
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in time");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Should_run_a_job_submitted_through_the_seed_on_both_nodes()
    {
        var seed = await StartNode(0);
        var seedPort = Cluster.Get(seed).SelfAddress.Port!.Value;
        var other = await StartNode(0, $"127.0.0.1:{seedPort}");
        await WaitUntil(() => Cluster.Get(seed).State.Members.Count(m => m.Status == MemberStatus.Up) == 2, TimeSpan.FromSeconds(30));

        await using var client = JobClient.Create([$"127.0.0.1:{seedPort}"]);
        var accepted = await client.SubmitAsync("synthetic", ["--items", "2000", "--cost-us", "1000", "--seed", "5"]);
        JobStatus status;
        do
        {
            await Task.Delay(100);
            status = await client.StatusAsync(accepted.JobId);
        } while (status.State == JobPhase.Running);

        ulong expected = 0;
        for (long i = 0; i < 2000; i++) expected += Workloads.SyntheticWorkload.ItemOutput(5, i);
        Assert.Equal(JobPhase.Completed, status.State);
        Assert.Equal(2000, status.ItemsCompleted);
        Assert.Contains($"\"checksum\":\"{expected:x16}\"", status.ResultJson);
        Assert.Equal(2, status.Nodes.Count(n => n.Items > 0));
        Assert.Equal(2000, status.Nodes.Sum(n => n.Items));
        Assert.Contains(status.JobId, (await client.ListAsync()).Select(j => j.JobId));
    }

    [Fact]
    public async Task Should_wait_for_a_job_that_takes_longer_to_prepare_than_a_request_may_take_and_say_so()
    {
        var seed = await StartNode(0, [], registry: TestConfig.Registry(new ProbeWorkload()));
        await WaitUntil(() => Cluster.Get(seed).State.Members.Any(m => m.Status == MemberStatus.Up), TimeSpan.FromSeconds(30));
        await using var client = JobClient.Create([$"127.0.0.1:{Cluster.Get(seed).SelfAddress.Port}"]);
        client.RequestTimeout = TimeSpan.FromSeconds(1);
        string? preparing = null;

        var accepted = await client.SubmitAsync("probe", ["--items", "10", "--prepare-ms", "3500"], stillPreparing: id => preparing = id);

        Assert.Equal(accepted.JobId, preparing);
        Assert.Equal(10, accepted.ItemsTotal);
        var rejected = await Assert.ThrowsAsync<JobClientException>(() => client.SubmitAsync("probe", ["--items", "-1"], stillPreparing: id => preparing = "again"));
        Assert.Contains("--items", rejected.Message);
        Assert.Equal(accepted.JobId, preparing);
    }

    [Fact]
    public async Task Should_let_the_coordinator_of_an_ended_job_sleep_while_jobs_are_listed_again_and_again()
    {
        var seed = await StartNode(0, [], coordinator: new CoordinatorSettings { EndedJobIdleTimeout = TimeSpan.FromSeconds(1) });
        await WaitUntil(() => Cluster.Get(seed).State.Members.Any(m => m.Status == MemberStatus.Up), TimeSpan.FromSeconds(30));
        await using var client = JobClient.Create([$"127.0.0.1:{Cluster.Get(seed).SelfAddress.Port}"]);
        var accepted = await client.SubmitAsync("synthetic", ["--items", "100", "--cost-us", "10"]);
        while ((await client.StatusAsync(accepted.JobId)).State == JobPhase.Running) await Task.Delay(100);

        // A dashboard lists every second; listing four times a second for three idle timeouts.
        for (var i = 0; i < 12; i++)
        {
            var listed = Assert.Single(await client.ListAsync());
            Assert.Equal((accepted.JobId, JobPhase.Completed, 100L), (listed.JobId, listed.State, listed.ItemsCompleted));
            await Task.Delay(250);
        }

        var region = await Akka.Cluster.Sharding.ClusterSharding.Get(seed).ShardRegion(ActorClusterHostingExtensions.JobTypeName)
            .Ask<Akka.Cluster.Sharding.CurrentShardRegionState>(Akka.Cluster.Sharding.GetShardRegionState.Instance, TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(accepted.JobId, region.Shards.SelectMany(s => s.EntityIds));
    }

    [Fact]
    public async Task Should_push_progress_and_the_final_status_to_a_client_following_the_job()
    {
        var seed = await StartNode(0);
        await WaitUntil(() => Cluster.Get(seed).State.Members.Any(m => m.Status == MemberStatus.Up), TimeSpan.FromSeconds(30));
        await using var client = JobClient.Create([$"127.0.0.1:{Cluster.Get(seed).SelfAddress.Port}"]);
        var accepted = await client.SubmitAsync("synthetic", ["--items", "400", "--cost-us", "5000", "--kind", "sleep", "--seed", "3"]);
        var asked = 0;

        var statuses = new List<JobStatus>();
        await foreach (var status in client.FollowAsync(accepted.JobId, _ => { asked++; throw new JobClientException("asked"); }, CancellationToken.None))
            statuses.Add(status);

        Assert.Equal(0, asked); // every status came through the watch, over the ClusterClient's response tunnel
        Assert.Contains(statuses, s => s.State == JobPhase.Running && s.ItemsCompleted is > 0 and < 400);
        Assert.Equal((JobPhase.Completed, 400L), (statuses[^1].State, statuses[^1].ItemsCompleted));
        Assert.Equal(["--items", "400", "--cost-us", "5000", "--kind", "sleep", "--seed", "3"], statuses[^1].Args);
    }

    [Fact]
    public async Task Should_fail_a_job_whose_items_each_need_more_memory_than_any_worker_node_may_use()
    {
        const long mb = 1024 * 1024;
        var seed = await StartNode(0, [], bounds: new NodeBounds(8, 64 * mb));
        var seedPort = Cluster.Get(seed).SelfAddress.Port!.Value;
        await StartNode(0, [$"127.0.0.1:{seedPort}"], bounds: new NodeBounds(8, 96 * mb));
        await WaitUntil(() => Cluster.Get(seed).State.Members.Count(m => m.Status == MemberStatus.Up) == 2, TimeSpan.FromSeconds(30));
        await using var client = JobClient.Create([$"127.0.0.1:{seedPort}"]);

        var accepted = await client.SubmitAsync("memhog", ["--items", "4", "--mb-per-item", "128", "--declared-mb", "1"]);
        var statuses = new List<JobStatus>();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var status in client.FollowAsync(accepted.JobId, limit.Token))
            statuses.Add(status);

        var final = statuses[^1];
        Assert.Equal(JobPhase.Failed, final.State);
        Assert.Equal("no worker node can run it: one item needs 128 MB, more than the largest memory limit of the 2 worker nodes that are up (96 MB)",
            final.Error);
        Assert.Equal(0, final.ItemsCompleted);
    }

    [Fact]
    public async Task Should_give_a_clear_error_when_no_seed_answers()
    {
        var port = LoopbackPorts.Free();
        await using var client = JobClient.Create([$"127.0.0.1:{port}"]);
        var clientWithShortTimeout = client;

        var error = await Assert.ThrowsAsync<JobClientException>(() => clientWithShortTimeout.SubmitAsync("lfsr", ["--degree", "4"]));

        Assert.StartsWith("no answer from the cluster within 10s (seeds: 127.0.0.1:", error.Message);
    }


    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Enumerable.Reverse(_nodes))
            await node.DisposeAsync();
        try { Directory.Delete(_dataRoot, recursive: true); } catch (IOException) { }
    }
}
