using System.Buffers.Binary;
using System.Text.Json.Nodes;
using ActorCluster.Abstractions;

namespace ActorCluster.Workloads;

/// <summary>
/// exec's result: how many commands ran, succeeded (exit code 0), failed (any other code, a timeout or a command
/// that did not start) and, of the failed, timed out. A partial is those four counts, 8 bytes each.
/// </summary>
public sealed class ExecAggregator : IResultAggregator
{
    private long _items, _succeeded, _failed, _timedOut;

    public static byte[] Partial(long items, long succeeded, long failed, long timedOut)
    {
        var bytes = new byte[32];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, items);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), succeeded);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), failed);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(24), timedOut);
        return bytes;
    }

    public void Add(ItemRange range, ReadOnlySpan<byte> partial)
    {
        _items += BinaryPrimitives.ReadInt64LittleEndian(partial);
        _succeeded += BinaryPrimitives.ReadInt64LittleEndian(partial[8..]);
        _failed += BinaryPrimitives.ReadInt64LittleEndian(partial[16..]);
        _timedOut += BinaryPrimitives.ReadInt64LittleEndian(partial[24..]);
    }

    public JsonObject ToJson() => new()
    {
        ["items"] = _items,
        ["succeeded"] = _succeeded,
        ["failed"] = _failed,
        ["timedOut"] = _timedOut,
    };

    public long FailedItems => _failed;

    public byte[] Save() => Partial(_items, _succeeded, _failed, _timedOut);

    public void Load(ReadOnlySpan<byte> saved)
    {
        _items = 0; _succeeded = 0; _failed = 0; _timedOut = 0;
        Add(default, saved);
    }
}
