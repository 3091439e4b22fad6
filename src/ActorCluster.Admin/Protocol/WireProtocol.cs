using System.Buffers.Binary;
using System.Text.Json;

namespace ActorCluster.Admin.Protocol;

/// <summary>A frame could not be read: bad length, bad JSON, or the peer went away mid-frame.</summary>
public sealed class ProtocolException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Framing: a 4-byte big-endian length, then that many bytes of UTF-8 JSON (one <see cref="WireFrame"/>).
/// The length is checked against the reader's limit before a single payload byte is buffered, so a peer
/// announcing 2 GB costs us nothing.
/// </summary>
public static class WireProtocol
{
    public const int Version = 1;

    /// <summary>Large enough for any real command line and welcome; far below anything that hurts a node.</summary>
    public const int DefaultMaxFrameBytes = 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 16,
    };

    public static byte[] Encode(WireFrame frame)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(frame, Json);
        var bytes = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, payload.Length);
        payload.CopyTo(bytes, 4);
        return bytes;
    }

    public static WireFrame Decode(ReadOnlySpan<byte> payload)
    {
        WireFrame? frame;
        try
        {
            frame = JsonSerializer.Deserialize<WireFrame>(payload, Json);
        }
        catch (JsonException e)
        {
            throw new ProtocolException($"malformed frame: {e.Message}", e);
        }
        if (frame is null || string.IsNullOrEmpty(frame.Type))
            throw new ProtocolException("malformed frame: no type");
        return frame;
    }

    public static async Task WriteAsync(Stream stream, WireFrame frame, CancellationToken ct)
    {
        var bytes = Encode(frame);
        await stream.WriteAsync(bytes, ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Reads one frame; null when the peer closed the connection cleanly between frames.</summary>
    public static async Task<WireFrame?> ReadAsync(Stream stream, int maxFrameBytes, CancellationToken ct)
    {
        var header = new byte[4];
        var got = await ReadFullyAsync(stream, header, ct).ConfigureAwait(false);
        if (got == 0) return null;
        if (got < 4) throw new ProtocolException("connection closed inside a frame header");
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length <= 0)
            throw new ProtocolException($"bad frame length {length}");
        if (length > maxFrameBytes)
            throw new ProtocolException($"frame of {length} bytes exceeds the limit of {maxFrameBytes} bytes");
        var payload = new byte[length];
        if (await ReadFullyAsync(stream, payload, ct).ConfigureAwait(false) < length)
            throw new ProtocolException("connection closed inside a frame");
        return Decode(payload);
    }

    private static async Task<int> ReadFullyAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
