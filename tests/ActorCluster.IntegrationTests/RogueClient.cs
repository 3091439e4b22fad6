using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using ActorCluster.Protocol;
using ActorCluster.Protocol.Serialization;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Cluster.Tools.Client;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// A client as an attacker would write it: it speaks TLS and the job protocol but checks nobody's certificate, and
/// presents <c>certificate</c> (or none). Whether it gets in is entirely up to the node.
/// </summary>
public sealed class RogueClient : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly IActorRef _client;

    /// <param name="listenCertificate">What its own listener holds (Akka requires one); presented only when <paramref name="present"/>.</param>
    public RogueClient(string seed, X509Certificate2 listenCertificate, bool present)
    {
        var config = ConfigurationFactory.ParseString("""
                akka {
                  loglevel = WARNING
                  actor.provider = remote
                  remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0, enable-ssl = true }
                }
                """)
            .WithFallback(ClusterClientReceptionist.DefaultConfig())
            .WithFallback(Akka.Cluster.Tools.PublishSubscribe.DistributedPubSub.DefaultConfig());
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config))
            .And(new DotNettySslSetup(listenCertificate, suppressValidation: true, requireMutualAuthentication: present));
        _system = ActorSystem.Create("rogue", setup);
        ActorClusterSerializer.Register(_system);
        var contact = ActorPath.Parse($"akka.ssl.tcp://{ClusterNames.SystemName}@{seed}/system/receptionist");
        _client = _system.ActorOf(ClusterClient.Props(ClusterClientSettings.Create(_system)
            .WithInitialContacts(ImmutableHashSet.Create(contact))
            .WithEstablishingGetContactsInterval(TimeSpan.FromMilliseconds(500))));
    }

    /// <summary>Submits a job; null when nothing answered within <paramref name="timeout"/>.</summary>
    public async Task<object?> TrySubmitAsync(TimeSpan timeout)
    {
        try
        {
            return await _client.Ask<object>(new ClusterClient.Send($"/user/{ClusterNames.GatewayName}", new SubmitJob("lfsr", ["--degree", "4"]), localAffinity: true), timeout);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync() => await _system.Terminate().WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
}
