using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// Speaks Akka.Remote's classic TCP protocol by hand, with no Akka library, as an attacker on the machine would:
/// every frame is a 4-byte little-endian length (DotNettyTransport's default byte order) and an <c>AkkaProtocolMessage</c>;
/// first an ASSOCIATE with a made-up origin, then payloads, each an <c>AckAndEnvelopeContainer</c> whose
/// <c>RemoteEnvelope</c> names a recipient and carries a <c>Payload</c> (serializer id, manifest, bytes).
/// The protobuf messages (Akka.Remote's WireFormats.proto and ContainerFormats.proto) are written field by field here.
/// </summary>
public sealed class RawRemotingClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _drain;
    private long _bytesReceived;

    private RawRemotingClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        // The node answers with its own ASSOCIATE and heartbeats; reading them keeps its writes from blocking.
        _drain = Task.Run(DrainAsync);
    }

    /// <summary>Bytes the node sent back (its ASSOCIATE, heartbeats): more than none means it took the association.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public static async Task<RawRemotingClient> AssociateAsync(IPEndPoint node, string originSystem = "attacker")
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(node);
        var client = new RawRemotingClient(tcp);
        var local = (IPEndPoint)tcp.Client.LocalEndPoint!;
        var origin = Proto.Message(
            Proto.String(1, originSystem), Proto.String(2, local.Address.MapToIPv4().ToString()), Proto.Varint(3, (ulong)local.Port), Proto.String(4, "akka.tcp"));
        var handshake = Proto.Message(Proto.Embedded(1, origin), Proto.Fixed64(2, BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8))));
        var associate = Proto.Message(Proto.Varint(1, 1 /* ASSOCIATE */), Proto.Embedded(2, handshake));
        await client.SendFrameAsync(Proto.Message(Proto.Embedded(2, associate)));
        return client;
    }

    /// <summary>One user message to <paramref name="recipientPath"/> (a full actor path with the node's address).</summary>
    public Task SendAsync(string recipientPath, int serializerId, string manifest, byte[] message)
    {
        var payload = Proto.Message(Proto.Bytes(1, message), Proto.Varint(2, (ulong)(uint)serializerId), Proto.String(3, manifest));
        var envelope = Proto.Message(Proto.Embedded(1, Proto.Message(Proto.String(1, recipientPath))), Proto.Embedded(2, payload));
        var container = Proto.Message(Proto.Embedded(2, envelope));
        return SendFrameAsync(Proto.Message(Proto.Bytes(1, container)));
    }

    private async Task SendFrameAsync(byte[] pdu)
    {
        var frame = new byte[4 + pdu.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, pdu.Length);
        pdu.CopyTo(frame, 4);
        await _stream.WriteAsync(frame);
        await _stream.FlushAsync();
    }

    private async Task DrainAsync()
    {
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await _stream.ReadAsync(buffer, _stop.Token)) > 0)
                Interlocked.Add(ref _bytesReceived, read);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _tcp.Dispose();
        await _drain.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
    }

    /// <summary>The handful of protobuf encodings the remoting messages need (proto3: varint, fixed64, length-delimited).</summary>
    private static class Proto
    {
        public static byte[] Message(params byte[][] fields) => fields.SelectMany(f => f).ToArray();

        public static byte[] Varint(int field, ulong value) => [.. Tag(field, 0), .. VarintBytes(value)];

        public static byte[] Fixed64(int field, ulong value)
        {
            var bytes = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
            return [.. Tag(field, 1), .. bytes];
        }

        public static byte[] Bytes(int field, byte[] value) => [.. Tag(field, 2), .. VarintBytes((ulong)value.Length), .. value];

        public static byte[] String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public static byte[] Embedded(int field, byte[] message) => Bytes(field, message);

        private static byte[] Tag(int field, int wireType) => VarintBytes((ulong)(field << 3 | wireType));

        private static byte[] VarintBytes(ulong value)
        {
            var bytes = new List<byte>();
            do
            {
                var b = (byte)(value & 0x7F);
                value >>= 7;
                bytes.Add(value == 0 ? b : (byte)(b | 0x80));
            } while (value != 0);
            return [.. bytes];
        }
    }
}
