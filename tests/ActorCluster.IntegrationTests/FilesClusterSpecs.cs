using System.Text.Json.Nodes;
using ActorCluster.Tests.Shared;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// The files workload on a cluster of three node processes: results.jsonl equals `sha256sum` and `wc -l` over the same
/// tree, a second submission takes every item from the result cache, and a node killed with kill -9 mid-job costs no
/// item and doubles none.
/// </summary>
public sealed class FilesClusterSpecs
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static List<JsonObject> ReadResults(string dir) =>
        File.ReadAllLines(Path.Combine(dir, "results.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    private static string OutputOf(CommandResult result) =>
        result.Stdout.Split('\n').Single(l => l.StartsWith("results: ", StringComparison.Ordinal))["results: ".Length..].Trim();

    [Fact]
    public async Task Should_match_sha256sum_and_wc_on_three_nodes_and_take_everything_from_the_cache_the_second_time()
    {
        var root = FileTreeFixture.Create(bigFileBytes: 110L * 1024 * 1024, smallFiles: 300);
        try
        {
            var expected = FileTreeFixture.Expected(root);
            using var cluster = await LocalCluster.StartAsync(joiners: 2, db: null, "--workers", "2");

            var (first, report) = await cluster.SubmitAsync(Timeout, "files", "--path", root, "--recursive");
            var (second, cachedReport) = await cluster.SubmitAsync(Timeout, "files", "--path", root, "--recursive");
            var (third, uncachedReport) = await cluster.SubmitAsync(Timeout, "files", "--path", root, "--recursive", "--no-cache");

            Assert.True(first.ExitCode == 0, first + cluster.Logs);
            var lines = ReadResults(Path.GetDirectoryName(OutputOf(first))!);
            Assert.Equal(Enumerable.Range(0, expected.Count).Select(i => (long)i), lines.Select(l => (long)l["item"]!));
            Assert.Equal(expected.Keys.Order(), lines.Select(l => (string)l["path"]!).Order());
            foreach (var line in lines)
            {
                var (size, sha, wc) = expected[(string)line["path"]!];
                Assert.Equal((size, sha), ((long)line["size"]!, (string)line["sha256"]!));
                if (line["lines"] is { } counted) Assert.Equal(wc, (long)counted);
            }
            Assert.Equal(expected.Count, (long)report!["result"]!["files"]!);
            Assert.Equal(expected.Values.Sum(e => e.Size), (long)report["result"]!["bytes"]!);
            Assert.Equal(0, (long)report["itemsFromCache"]!);
            Assert.True(report["nodes"]!.AsArray().Count >= 2, $"one node did everything: {report}");

            Assert.True(second.ExitCode == 0, second + cluster.Logs);
            Assert.Equal(expected.Count, (long)cachedReport!["itemsFromCache"]!);
            Assert.Equal(report["result"]!.ToJsonString(), cachedReport["result"]!.ToJsonString());
            Assert.Equal(File.ReadAllText(OutputOf(first)), File.ReadAllText(OutputOf(second)));
            Assert.True(third.ExitCode == 0, third + cluster.Logs);
            Assert.Equal(0, (long)uncachedReport!["itemsFromCache"]!);

            var again = Path.Combine(cluster.DataRoot, "again");
            var fetched = await cluster.RunAsync(TimeSpan.FromSeconds(60), "jobs", "result", (string)report["jobId"]!, "--output", again);
            Assert.True(fetched.ExitCode == 0, fetched.ToString());
            Assert.Equal(File.ReadAllText(OutputOf(first)), File.ReadAllText(Path.Combine(again, "results.jsonl")));
        }
        finally
        {
            FileTreeFixture.Delete(root);
        }
    }

    private static async Task WaitForProgressAsync(LocalCluster cluster, string jobId, long atLeast)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var status = await cluster.RunAsync(TimeSpan.FromSeconds(30), "jobs", "status", jobId);
            var parts = status.Stdout.Split(' ');
            if (status.ExitCode == 0 && parts.Length > 2 && long.TryParse(parts[2].Split('/')[0], out var done) && done >= atLeast) return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"job {jobId} did not reach {atLeast} items:\n{cluster.Logs}");
    }

    [Fact]
    public async Task Should_report_a_missing_path_in_one_line_at_submit()
    {
        using var cluster = await LocalCluster.StartAsync(joiners: 0);

        var (result, _) = await cluster.SubmitAsync(TimeSpan.FromSeconds(60), "files", "--path", "/no/such/dir");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: files: --path '/no/such/dir' does not exist", Assert.Single(result.StderrLines));
    }

    [Fact]
    public async Task Should_have_every_item_exactly_once_in_results_jsonl_when_a_node_is_killed_mid_job()
    {
        // 60 sparse files of 128 MB (7.5 GB to hash, no disk written), one worker per node: the job must outlast the
        // ~5 s the coordinator needs to notice a killed node, or the victim's batches would never be handed out again.
        var root = Directory.CreateTempSubdirectory("actorcluster-kill-").FullName;
        try
        {
            const int files = 60;
            for (var i = 0; i < files; i++)
                FileTreeFixture.Run("truncate", "-s", (128L * 1024 * 1024).ToString(), Path.Combine(root, $"part {i:00}.img"));
            var sha = FileTreeFixture.Run("sha256sum", "--", Path.Combine(root, "part 00.img"))[..64];
            using var cluster = await LocalCluster.StartAsync(joiners: 2, db: null, "--workers", "1");

            var submit = cluster.SubmitAsync(Timeout, "files", "--path", root, "--no-cache");
            var (host, jobId) = await ElasticitySpecs.FindCoordinatorAsync(cluster, $"started, {files} items");
            var victim = cluster.Nodes.Skip(1).First(n => n != host);
            await WaitForProgressAsync(cluster, jobId, 6);
            victim.Kill();
            var (result, report) = await submit;

            Assert.True(result.ExitCode == 0, result + cluster.Logs);
            var lines = ReadResults(Path.GetDirectoryName(OutputOf(result))!);
            Assert.Equal(Enumerable.Range(0, files).Select(i => (long)i), lines.Select(l => (long)l["item"]!));
            Assert.Equal(Enumerable.Range(0, files).Select(i => $"part {i:00}.img"), lines.Select(l => (string)l["path"]!).Order());
            Assert.All(lines, l => Assert.Equal(sha, (string)l["sha256"]!));
            Assert.Equal(files, (long)report!["result"]!["files"]!);
            Assert.Equal(files, (long)report["itemsCompleted"]!);
            Assert.Contains(host.Lines, l => l.Contains($"job {jobId}: agent") && l.Contains("lost"));
        }
        finally
        {
            FileTreeFixture.Delete(root);
        }
    }
}
