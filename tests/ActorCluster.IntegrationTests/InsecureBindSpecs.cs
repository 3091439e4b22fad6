namespace ActorCluster.IntegrationTests;

public sealed class InsecureBindSpecs : IDisposable
{
    private readonly string _dataRoot = Directory.CreateTempSubdirectory("actorcluster-insecure-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dataRoot, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Theory]
    [InlineData("--host", "0.0.0.0", "0.0.0.0")]
    [InlineData("--public-host", "10.11.12.13", "10.11.12.13")]
    public async Task Should_refuse_to_start_off_loopback_without_tls_naming_insecure(string flag, string value, string named)
    {
        var result = await ActorClusterProgram.RunAsync(TimeSpan.FromSeconds(60),
            "node", flag, value, "--port", "0", "--admin-port", "off", "--data-dir", Path.Combine(_dataRoot, "n"));

        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("--insecure", line);
        Assert.Contains($"the cluster port on {named} is reachable from other machines and TLS is off", line);
        Assert.DoesNotContain("node up", result.Stdout);
    }

    [Fact]
    public async Task Should_start_with_insecure_and_warn_at_start_up_and_in_cluster_show()
    {
        var node = ActorClusterProgram.StartNode("insecure",
            ["node", "--host", "0.0.0.0", "--public-host", "127.0.0.1", "--port", "0", "--admin-port", "0", "--insecure", "--data-dir", Path.Combine(_dataRoot, "i")]);
        try
        {
            await AdminTestCluster.WaitUpWithAdminAsync(node);
            var show = await AdminTestCluster.PbmAsync([AdminTestCluster.AdminEndpoint(node), "cluster", "show"]);

            Assert.Contains(node.Lines, l => l.StartsWith("warning: --insecure: the cluster port on 0.0.0.0 has no TLS", StringComparison.Ordinal));
            Assert.True(show.ExitCode == 0, show.ToString());
            Assert.StartsWith("WARNING: --insecure: the cluster port on 0.0.0.0 has no TLS", show.Lines[0]);
        }
        finally
        {
            node.Stop(TimeSpan.FromSeconds(3));
            node.Dispose();
        }
    }

    [Fact]
    public async Task Should_start_on_loopback_without_tls_and_without_a_warning()
    {
        var node = ActorClusterProgram.StartNode("loopback",
            ["node", "--host", "127.0.0.2", "--port", "0", "--admin-port", "off", "--data-dir", Path.Combine(_dataRoot, "l")]);
        try
        {
            await node.WaitUpAsync(TimeSpan.FromSeconds(60));

            Assert.DoesNotContain(node.Lines, l => l.Contains("warning: --insecure"));
        }
        finally
        {
            node.Stop(TimeSpan.FromSeconds(3));
            node.Dispose();
        }
    }
}
