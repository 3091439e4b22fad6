using System.Runtime.Serialization;
using Akka.Actor;
using ActorCluster.Protocol.Client;
using ActorCluster.Protocol.Serialization;

namespace ActorCluster.Node.Tests;

/// <summary>
/// The client reads replies as strictly as nodes read everything (NodeHostingSpecs checks a node): a payload under one
/// of Akka's type-naming serializers is dropped before the type it names is built, and nothing is sent with them.
/// </summary>
public sealed class StrictSerializationSpecs : IAsyncLifetime
{
    private ActorSystem _client = null!;

    public ValueTask InitializeAsync()
    {
        _client = JobClient.CreateSystem("127.0.0.1");
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _client.Terminate();

    /// <summary>What Akka binds its JSON, generic protobuf and remote deployment serializers to.</summary>
    public static readonly Type[] TypeNamingBindings =
        [typeof(object), typeof(Google.Protobuf.WellKnownTypes.Empty), Type.GetType("Akka.Remote.DaemonMsgCreate, Akka.Remote", throwOnError: true)!];

    [Fact]
    public void Should_drop_a_json_payload_naming_a_type_without_building_it()
    {
        var before = Tripwire.Built;

        var error = Record.Exception(() => _client.Serialization.Deserialize(Tripwire.Json, 1, ""));

        Assert.IsType<SerializationException>(error);
        Assert.Contains(Tripwire.TypeName, error.Message);
        Assert.Equal(before, Tripwire.Built);
    }

    [Fact]
    public void Should_drop_a_protobuf_payload_naming_a_type_without_building_it()
    {
        var before = Tripwire.Built;

        var error = Record.Exception(() => _client.Serialization.Deserialize([], 2, Tripwire.TypeName));

        Assert.IsType<SerializationException>(error);
        Assert.Equal(before, Tripwire.Built);
    }

    [Fact]
    public void Should_refuse_every_type_naming_serializer_and_send_nothing_with_them()
    {
        var serializers = StrictSerializationSpecs.TypeNamingBindings.Select(t => _client.Serialization.FindSerializerForType(t)).ToList();
        var unregistered = _client.Serialization.FindSerializerFor(new Tripwire { Path = "/tmp" });

        Assert.Equal([1, 2, 3], serializers.Select(s => s.Identifier));
        Assert.All(serializers, s => Assert.IsType<RefusingSerializer>(s));
        Assert.IsType<RefusingSerializer>(unregistered);
        Assert.Throws<SerializationException>(() => unregistered.ToBinary(new Tripwire()));
    }
}
