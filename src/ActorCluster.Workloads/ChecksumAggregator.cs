using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using ActorCluster.Abstractions;

namespace ActorCluster.Workloads;

/// <summary>
/// The result of workloads whose items each produce a 64-bit output: the wrapping sum of the outputs
/// (order-independent, so any split over batches and nodes gives the same checksum) and the item count.
/// A partial result is 16 bytes: sum, then count.
/// </summary>
public sealed class ChecksumAggregator : IResultAggregator
{
    private ulong _checksum;
    private long _items;

    public static byte[] Partial(ulong sum, long items)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, sum);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), items);
        return bytes;
    }

    public void Add(ItemRange range, ReadOnlySpan<byte> partial)
    {
        _checksum += BinaryPrimitives.ReadUInt64LittleEndian(partial);
        _items += BinaryPrimitives.ReadInt64LittleEndian(partial[8..]);
    }

    public JsonObject ToJson() => new()
    {
        ["checksum"] = _checksum.ToString("x16", CultureInfo.InvariantCulture),
        ["items"] = _items,
    };

    public byte[] Save() => Partial(_checksum, _items);

    public void Load(ReadOnlySpan<byte> saved)
    {
        _checksum = BinaryPrimitives.ReadUInt64LittleEndian(saved);
        _items = BinaryPrimitives.ReadInt64LittleEndian(saved[8..]);
    }
}
