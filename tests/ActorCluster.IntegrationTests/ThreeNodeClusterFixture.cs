namespace ActorCluster.IntegrationTests;

/// <summary>A seed and two more node processes on loopback, shared by the specs of this class.</summary>
public sealed class ThreeNodeClusterFixture : IAsyncLifetime
{
    public LocalCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await LocalCluster.StartAsync(joiners: 2);

    public Task DisposeAsync()
    {
        Cluster.Dispose();
        return Task.CompletedTask;
    }
}
