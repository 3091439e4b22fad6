namespace ActorCluster.IntegrationTests;

/// <summary>Three node processes on loopback, each with its web host on a free port.</summary>
public sealed class WebClusterFixture : IAsyncLifetime
{
    public LocalCluster Cluster { get; private set; } = null!;

    public IReadOnlyList<WebEndpoint> Web { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Cluster = await LocalCluster.StartAsync(joiners: 2, db: null, "--http-port", "0");
        Web = await Task.WhenAll(Cluster.Nodes.Select(WebEndpoint.OfAsync));
    }

    public Task DisposeAsync()
    {
        foreach (var web in Web) web.Dispose();
        Cluster.Dispose();
        return Task.CompletedTask;
    }
}
