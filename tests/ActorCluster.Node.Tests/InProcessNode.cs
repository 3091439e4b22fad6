using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ActorCluster.Core.Jobs;
using ActorCluster.Node.Hosting;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Tests;

/// <summary>
/// One whole node in this process, composed by the production <see cref="ActorClusterHostingExtensions.WithActorClusterNode"/>
/// on a Microsoft.Extensions host, as `actorcluster node` composes it. For what Akka.Hosting.TestKit cannot give:
/// it starts one host per test, while some specs need several nodes forming one cluster, or one node shared by
/// a whole class through a fixture.
/// </summary>
public sealed class InProcessNode : IAsyncDisposable
{
    private readonly IHost _host;

    private InProcessNode(IHost host)
    {
        _host = host;
        System = host.Services.GetRequiredService<ActorSystem>();
    }

    public ActorSystem System { get; }

    public static async Task<InProcessNode> StartAsync(NodeSettings settings, WorkloadRegistry? registry = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka(ClusterNames.SystemName, (akka, _) => akka
            .WithActorClusterNode(settings, registry ?? TestConfig.Registry())
            .AddHocon("akka.loglevel = WARNING", HoconAddMode.Prepend));
        var host = builder.Build();
        try
        {
            await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new InProcessNode(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try { await _host.StopAsync(cts.Token); } catch (OperationCanceledException) { }
        _host.Dispose();
    }
}
