using System.Net;
using System.Text;
using ActorCluster.Tests.Shared;
using Xunit.Abstractions;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// Raw remoting frames, written by hand (<see cref="RawRemotingClient"/>), against a real node on loopback without TLS:
/// what anyone who reaches the cluster port can send. Payloads the node must not act on are dropped and logged, and
/// the node keeps running jobs.
/// </summary>
public sealed class HandBuiltFrameSpecs(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);
    private LocalCluster? _cluster;
    private readonly string _watched = Directory.CreateTempSubdirectory("actorcluster-watched-").FullName;

    public void Dispose()
    {
        _cluster?.Dispose();
        Directory.Delete(_watched, recursive: true);
    }

    [SkippableFact]
    public async Task Should_drop_a_json_payload_naming_a_type_without_building_it_and_keep_running_jobs()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "counts the node's inotify instances in /proc");
        _cluster = await LocalCluster.StartAsync(0, db: null, "--workers", "2");
        var node = _cluster.Nodes[0];
        // Built, this watcher would open an inotify instance in the node (EnableRaisingEvents): the side effect to look for.
        var json = $$"""{"$type":"System.IO.FileSystemWatcher, System.IO.FileSystem.Watcher","Path":"{{_watched}}","EnableRaisingEvents":true}""";
        var inotifyBefore = InotifyInstances(node.Pid);

        await using (var raw = await RawRemotingClient.AssociateAsync(new IPEndPoint(IPAddress.Loopback, _cluster.SeedPort)))
        {
            await raw.SendAsync($"{node.Address}/user/node-agent", serializerId: 1, manifest: "", Encoding.UTF8.GetBytes(json));
            var dropped = await node.WaitForLineAsync(l => l.Contains("dropped a") && l.Contains("Newtonsoft JSON"), Within);
            output.WriteLine(dropped);
            Assert.Contains("System.IO.FileSystemWatcher", dropped);
            Assert.True(raw.BytesReceived > 0, "the node never answered the association");
        }
        var inotifyAfter = InotifyInstances(node.Pid);

        Assert.Equal(inotifyBefore, inotifyAfter);
        await AssertStillRunsJobsAsync(node);
    }

    [Fact]
    public async Task Should_refuse_a_work_batches_frame_with_a_huge_count_before_allocating_and_stay_up()
    {
        _cluster = await LocalCluster.StartAsync(0, db: null, "--workers", "2");
        var node = _cluster.Nodes[0];
        var rssBefore = node.ResidentBytes();

        // ActorClusterSerializer's "WS": the job id, then the batch count, then three numbers per batch (none follow).
        // Akka.Remote 1.5.75 ends the association a frame fails to deserialize on, so each frame comes on a connection of its own.
        foreach (var count in new[] { 1 << 25, 0x7FFFFFC7 })
        {
            await using var raw = await RawRemotingClient.AssociateAsync(new IPEndPoint(IPAddress.Loopback, _cluster.SeedPort));
            await raw.SendAsync($"{node.Address}/user/node-agent", 7411, "WS", WorkBatchesHeader("j-1", count));
            var refused = await node.WaitForLineAsync(l => l.Contains($"ActorClusterSerializer: a count or length of {count} with 0 bytes left"), Within);
            output.WriteLine(refused);
        }
        var rssAfter = node.ResidentBytes();

        Assert.False(node.HasExited, _cluster.Logs);
        if (rssBefore is { } before && rssAfter is { } after)
        {
            output.WriteLine($"node RSS {before >> 20} MB before, {after >> 20} MB after the two frames");
            Assert.True(after - before < 64L << 20, $"RSS grew from {before >> 20} MB to {after >> 20} MB");
        }
        await AssertStillRunsJobsAsync(node);
    }

    private static byte[] WorkBatchesHeader(string jobId, int count)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(jobId);
            writer.Write7BitEncodedInt(count);
        }
        return stream.ToArray();
    }

    private async Task AssertStillRunsJobsAsync(NodeProcess node)
    {
        var (result, report) = await _cluster!.SubmitAsync(TimeSpan.FromSeconds(60), "lfsr", "--degree", "12");

        Assert.True(result.ExitCode == 0, $"{result}\n{_cluster.Logs}");
        Assert.Equal("Completed", (string?)report!["status"]);
        Assert.Equal(LfsrReference.MaximalTaps(12), report["result"]!["maximalTaps"]!.AsArray().Select(t => (uint)t!).ToList());
        Assert.False(node.HasExited);
    }

    private static int InotifyInstances(int pid) =>
        new DirectoryInfo($"/proc/{pid}/fd").EnumerateFileSystemInfos()
            .Count(fd => fd.LinkTarget == "anon_inode:inotify");
}
