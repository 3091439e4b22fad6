using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Akka.Cluster.Tools.Client.Serialization;
using Akka.Cluster.Tools.PublishSubscribe.Serialization;
using ActorCluster.Protocol;
using ActorCluster.Protocol.Client;
using ActorCluster.Protocol.Serialization;

namespace ActorCluster.Node.Tests;

/// <summary>
/// The submit client's own actor system: requests travel inside ClusterClient's pub-sub envelope, which once
/// fell back to Newtonsoft JSON unnoticed; neither it nor any ActorCluster message may.
/// </summary>
public sealed class ClientSerializationSpecs : IAsyncLifetime
{
    private ActorSystem _client = null!;

    public ValueTask InitializeAsync()
    {
        _client = JobClient.CreateSystem("127.0.0.1");
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _client.Terminate();

    [Fact]
    public void Should_serialize_every_ActorCluster_message_with_the_ActorCluster_serializer()
    {
        var wrong = WireMessages.Types
            .Select(t => (Type: t, Serializer: _client.Serialization.FindSerializerForType(t)))
            .Where(x => x.Serializer.Identifier != ActorClusterSerializer.SerializerId)
            .Select(x => $"{x.Type.Name}: {x.Serializer.GetType().Name}");

        Assert.True(WireMessages.Types.Count >= 20, $"only {WireMessages.Types.Count} message types found");
        Assert.Empty(wrong);
    }

    [Fact]
    public void Should_serialize_the_receptionist_envelope_and_contact_messages_with_akkas_own_serializers()
    {
        var envelope = _client.Serialization.FindSerializerFor(new Akka.Cluster.Tools.PublishSubscribe.Send("/user/jobs", new SubmitJob("lfsr", []), true));
        var getContacts = typeof(ClusterReceptionist).GetNestedType("GetContacts", System.Reflection.BindingFlags.NonPublic)!;

        Assert.IsType<DistributedPubSubMessageSerializer>(envelope);
        Assert.IsType<ClusterClientMessageSerializer>(_client.Serialization.FindSerializerForType(getContacts));
    }
}
