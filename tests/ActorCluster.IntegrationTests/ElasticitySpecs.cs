using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ActorCluster.IntegrationTests;

/// <summary>Nodes joining and dying while a job runs: real processes, kill -9, nothing lost or counted twice.</summary>
public sealed class ElasticitySpecs
{
    private static readonly TimeSpan SubmitTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Should_hand_batches_to_a_node_that_joins_mid_job()
    {
        // Two workers per node (the io-bound policy would run 45 and finish before anyone joins).
        using var cluster = await LocalCluster.StartAsync(joiners: 1, db: null, "--workers", "2");
        // 3000 x 10 ms sleeping items: about 8 s on the first two nodes' four workers.
        var submit = cluster.SubmitAsync(SubmitTimeout, "synthetic", "--items", "3000", "--cost-us", "10000", "--kind", "sleep", "--seed", "3");
        await FindCoordinatorAsync(cluster, "started, 3000 items");

        var latecomer = cluster.AddNode();
        await latecomer.WaitUpAsync(TimeSpan.FromSeconds(60));
        var (result, report) = await submit;

        Assert.True(result.ExitCode == 0, result + cluster.Logs);
        var late = report!["nodes"]!.AsArray().SingleOrDefault(n => (string?)n!["address"] == latecomer.Address);
        Assert.True(late is not null && (long)late["items"]! > 0, $"the node that joined mid-job got no batch:\n{report}");
        Assert.Equal(3000L, (long)report["itemsCompleted"]!);
        Assert.Equal(ClusterJobSpecs.Checksum(3000, 3), (string?)report["result"]!["checksum"]);
    }

    [Fact]
    public async Task Should_lose_nothing_when_a_worker_node_is_killed_mid_job()
    {
        using var cluster = await LocalCluster.StartAsync(joiners: 2);
        var submit = cluster.SubmitAsync(SubmitTimeout, "synthetic", "--items", "6000", "--cost-us", "2000", "--seed", "21");

        // Kill a joiner that does not host the job's coordinator (coordinator failover is a separate concern).
        var (host, jobId) = await FindCoordinatorAsync(cluster, "started, 6000 items");
        var victim = cluster.Nodes.Skip(1).First(n => n != host);
        await Task.Delay(TimeSpan.FromSeconds(2));
        victim.Kill();
        var (result, report) = await submit;

        Assert.True(result.ExitCode == 0, result + cluster.Logs);
        Assert.Equal("Completed", (string?)report!["status"]);
        Assert.Equal(6000L, (long)report["itemsCompleted"]!);
        Assert.Equal(6000L, report["nodes"]!.AsArray().Sum(n => (long)n!["items"]!));
        Assert.Equal(ClusterJobSpecs.Checksum(6000, 21), (string?)report["result"]!["checksum"]);
        Assert.Contains(report["nodes"]!.AsArray(), n => (string?)n!["address"] == victim.Address && (long)n["items"]! > 0);
        Assert.Contains(host.Lines, l => l.Contains($"job {jobId}: agent") && l.Contains("lost"));
    }

    [Fact]
    public async Task Should_fail_with_one_line_when_no_seed_answers()
    {
        var clock = Stopwatch.StartNew();
        var result = await ActorClusterProgram.RunAsync(TimeSpan.FromSeconds(60), "submit", "--seed", $"127.0.0.1:{LocalCluster.FreePort()}", "lfsr", "--degree", "4");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("error: no answer from the cluster within 10s (seeds: 127.0.0.1:", line);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30));
    }

    /// <summary>The node whose coordinator logged the job's start, and the job id.</summary>
    internal static async Task<(NodeProcess Host, string JobId)> FindCoordinatorAsync(LocalCluster cluster, string startedText)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var node in cluster.Nodes)
            {
                var line = node.Lines.FirstOrDefault(l => l.Contains(startedText));
                if (line is null) continue;
                var start = line.IndexOf("job j-", StringComparison.Ordinal) + 4;
                return (node, line[start..line.IndexOf(':', start)]);
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("no node logged the job's start:\n" + cluster.Logs);
    }
}
