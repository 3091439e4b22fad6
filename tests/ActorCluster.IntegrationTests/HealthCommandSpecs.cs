namespace ActorCluster.IntegrationTests;

/// <summary>`actorcluster health`, the image's HEALTHCHECK: exit 0 only for a node that is an Up member of its cluster.</summary>
public sealed class HealthCommandSpecs
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Should_be_healthy_only_once_the_node_is_up_and_unhealthy_while_it_cannot_join()
    {
        var upAdmin = LocalCluster.FreePort();
        var lonelyAdmin = LocalCluster.FreePort();
        var root = Directory.CreateTempSubdirectory("actorcluster-health-").FullName;
        // A node whose only seed is a port nothing listens on never becomes a member.
        using var lonely = ActorClusterProgram.StartNode("lonely", ["node", "--port", LocalCluster.FreePort().ToString(),
            "--seed", $"127.0.0.1:{LocalCluster.FreePort()}", "--admin-port", lonelyAdmin.ToString(), "--data-dir", Path.Combine(root, "lonely")]);
        using var up = ActorClusterProgram.StartNode("up", ["node", "--port", LocalCluster.FreePort().ToString(),
            "--admin-port", upAdmin.ToString(), "--data-dir", Path.Combine(root, "up")]);
        try
        {
            var address = await up.WaitUpAsync(Timeout);
            await lonely.WaitForLineAsync(l => l.StartsWith("admin: "), Timeout);

            var healthy = await ActorClusterProgram.RunAsync(Timeout, "health", "--admin-port", upAdmin.ToString());
            var joining = await ActorClusterProgram.RunAsync(Timeout, "health", "--admin-port", lonelyAdmin.ToString());
            var nothing = await ActorClusterProgram.RunAsync(Timeout, "health", "--admin-port", LocalCluster.FreePort().ToString(), "--timeout", "2");

            Assert.True(healthy.ExitCode == 0, healthy.ToString());
            Assert.StartsWith($"healthy: {address} | [coordinator, worker] | up | reachable", healthy.Stdout);
            Assert.Equal(1, joining.ExitCode);
            Assert.StartsWith("unhealthy: this node is not Up but ", joining.Stderr);
            Assert.Equal("", joining.Stdout);
            Assert.Equal(1, nothing.ExitCode);
            Assert.StartsWith("unhealthy: cannot reach 127.0.0.1:", nothing.Stderr);
            Assert.Single(nothing.Stderr.Trim().Split('\n'));
        }
        finally
        {
            lonely.Stop(TimeSpan.FromSeconds(5));
            up.Stop(TimeSpan.FromSeconds(5));
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
