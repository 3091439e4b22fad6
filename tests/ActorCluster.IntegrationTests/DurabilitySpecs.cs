using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// What happens to a job when machines die: the coordinator's node is killed, or every node stops and
/// starts again. The job finishes, every item counted once, without redoing finished work — against
/// one SQLite file shared by the nodes and against a real PostgreSQL 15 server.
/// </summary>
public sealed class DurabilitySpecs(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private const int Items = 6000;

    /// <summary>Two workers per node whatever the profiler would pick, so the job outlasts the fault we inject.</summary>
    private static readonly string[] Pinned = ["--workers", "2"];

    private async Task<string> Store(string kind) => kind switch
    {
        "sqlite" => LocalCluster.SharedSqlite,
        "postgres" => await postgres.NewDatabaseAsync(),
        _ => throw new ArgumentException(kind),
    };

    /// <summary>6000 sleeping items of 10 ms: about 10 s on six workers, long enough to interrupt, light on the two cores.</summary>
    private static string[] Job(int seed) => ["synthetic", "--items", Items.ToString(), "--cost-us", "10000", "--kind", "sleep", "--seed", seed.ToString()];

    private static async Task<string> SubmitDetachedAsync(LocalCluster cluster, int seed)
    {
        var submitted = await cluster.RunAsync(TimeSpan.FromSeconds(60), ["submit", "--detach", .. Job(seed)]);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        return submitted.Stdout.Trim();
    }

    private static async Task<JsonObject> WatchToEndAsync(LocalCluster cluster, string jobId)
    {
        var output = Path.Combine(cluster.DataRoot, "watch-" + Guid.NewGuid().ToString("N")[..6]);
        var watched = await cluster.RunAsync(Timeout, "jobs", "watch", jobId, "--output", output);
        Assert.True(watched.ExitCode == 0, watched + cluster.Logs);
        return JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "report.json")))!.AsObject();
    }

    private static async Task WaitForProgressAsync(LocalCluster cluster, string jobId, long atLeast)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var status = await cluster.RunAsync(TimeSpan.FromSeconds(30), "jobs", "status", jobId);
            var parts = status.Stdout.Split(' ');
            if (status.ExitCode == 0 && parts.Length > 2 && long.TryParse(parts[2].Split('/')[0], out var done) && done >= atLeast)
                return;
            await Task.Delay(300);
        }
        throw new TimeoutException($"job {jobId} did not reach {atLeast} items:\n{cluster.Logs}");
    }

    private static void AssertCountedOnce(JsonObject report, int seed)
    {
        Assert.Equal("Completed", (string?)report["status"]);
        Assert.Equal(Items, (long)report["itemsCompleted"]!);
        Assert.Equal(Items, report["nodes"]!.AsArray().Sum(n => (long)n!["items"]!));
        Assert.Equal(ClusterJobSpecs.Checksum(Items, (ulong)seed), (string?)report["result"]!["checksum"]);
        Assert.Equal(Items, (long)report["result"]!["items"]!);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Should_finish_the_job_on_another_node_when_the_coordinators_node_is_killed(string store)
    {
        using var cluster = await LocalCluster.StartAsync(joiners: 2, await Store(store), Pinned);
        var jobId = await SubmitDetachedAsync(cluster, seed: 31);
        var (host, _) = await ElasticitySpecs.FindCoordinatorAsync(cluster, $"started, {Items} items");
        await WaitForProgressAsync(cluster, jobId, 600);

        host.Kill();
        var report = await WatchToEndAsync(cluster, jobId);

        AssertCountedOnce(report, seed: 31);
        var resumed = cluster.Nodes.Where(n => n != host).SelectMany(n => n.Lines).FirstOrDefault(l => l.Contains($"job {jobId}: resumed from its journal"));
        Assert.True(resumed is not null, "the job did not resume on a surviving node:\n" + cluster.Logs);
        var done = long.Parse(resumed[(resumed.IndexOf("with ", StringComparison.Ordinal) + 5)..].Split('/')[0]);
        Assert.True(done >= 600, $"finished work was redone: resumed with only {done} items done");
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Should_resume_after_every_node_stops_mid_job(string store)
    {
        using var cluster = await LocalCluster.StartAsync(joiners: 2, await Store(store), Pinned);
        var jobId = await SubmitDetachedAsync(cluster, seed: 47);
        await WaitForProgressAsync(cluster, jobId, 900);

        cluster.KillAll();
        await cluster.RestartAllAsync();
        var report = await WatchToEndAsync(cluster, jobId);

        AssertCountedOnce(report, seed: 47);
        // At most what was in flight when the cluster stopped ran twice: 3 nodes x (2 workers + 2 prefetch)
        // batches, and a batch of 10 ms items is about 15 items (150 ms target), so well under 300.
        var repeated = (long)report["itemsExecutedMoreThanOnce"]!;
        Assert.InRange(repeated, 0, 300);
        Assert.Contains(cluster.Nodes.SelectMany(n => n.Lines), l => l.Contains($"job {jobId}: resumed from its journal"));
    }

    [Fact]
    public async Task Should_keep_following_the_job_when_the_seed_it_submitted_through_dies()
    {
        using var cluster = await LocalCluster.StartAsync(joiners: 2, LocalCluster.SharedSqlite, Pinned);
        var seed = cluster.Nodes[0];
        // `submit` is given only the seed; it learns the other contact points from the cluster.
        var submit = cluster.SubmitAsync(Timeout, Job(seed: 61));
        var (_, jobId) = await ElasticitySpecs.FindCoordinatorAsync(cluster, $"started, {Items} items");
        await WaitForProgressAsync(cluster, jobId, 600);

        seed.Kill();
        var (result, report) = await submit;

        Assert.True(result.ExitCode == 0, result + cluster.Logs);
        AssertCountedOnce(report!, seed: 61);
    }

    [Fact]
    public async Task Should_cancel_a_running_job_and_keep_what_was_done()
    {
        using var cluster = await LocalCluster.StartAsync(joiners: 1, Pinned);
        var jobId = await SubmitDetachedAsync(cluster, seed: 5);
        await WaitForProgressAsync(cluster, jobId, 200);

        var cancel = await cluster.RunAsync(TimeSpan.FromSeconds(60), "jobs", "cancel", jobId);
        await Task.Delay(1500);
        var status = await cluster.RunAsync(TimeSpan.FromSeconds(60), "jobs", "status", jobId);
        var again = await cluster.RunAsync(TimeSpan.FromSeconds(60), "jobs", "status", jobId);

        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.StartsWith($"{jobId} Cancelled", cancel.Stdout);
        Assert.StartsWith($"{jobId} Cancelled", status.Stdout);
        var done = long.Parse(status.Stdout.Split(' ')[2].Split('/')[0]);
        Assert.InRange(done, 200, Items - 1);
        Assert.Equal(status.Stdout.Split(' ')[2], again.Stdout.Split(' ')[2]); // nothing more is counted after the cancel
    }

    [Fact]
    public async Task Should_fail_a_job_whose_item_throws_naming_the_item_and_leave_other_jobs_alone()
    {
        using var cluster = await LocalCluster.StartAsync(joiners: 1);
        var good = cluster.SubmitAsync(Timeout, "synthetic", "--items", "2000", "--cost-us", "2000", "--seed", "8");
        var (bad, badReport) = await cluster.SubmitAsync(Timeout, "synthetic", "--items", "2000", "--cost-us", "100", "--fail-at", "1234");
        var (ok, goodReport) = await good;

        Assert.Equal(1, bad.ExitCode);
        Assert.Equal("Failed", (string?)badReport!["status"]);
        var error = (string)badReport["error"]!;
        Assert.Contains("failed 3 times", error);
        Assert.Contains("item 1234 is poisoned", error);
        Assert.Contains($"error: job {(string)badReport["jobId"]!} Failed: items [", Assert.Single(bad.StderrLines));
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Equal(ClusterJobSpecs.Checksum(2000, 8), (string?)goodReport!["result"]!["checksum"]);
        Assert.All(cluster.Nodes, n => Assert.False(n.HasExited));
    }

    [Fact]
    public async Task Should_refuse_to_start_with_one_line_when_the_database_is_unreachable()
    {
        var clock = Stopwatch.StartNew();
        var result = await ActorClusterProgram.RunAsync(TimeSpan.FromSeconds(60), "node", "--port", "0", "--admin-port", "off",
            "--data-dir", Path.Combine(Path.GetTempPath(), "ac-unreachable"),
            "--db", $"Host=127.0.0.1;Port={LocalCluster.FreePort()};Database=nope;Username=postgres");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("error: cannot open the job store (PostgreSQL 127.0.0.1:", line);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }
}
