using System.IO.Compression;
using System.Text;

namespace ActorCluster.Core.Jobs;

/// <summary>
/// The per-item records of a run of items as they travel and are stored: a count, then each record as a
/// length-prefixed UTF-8 string, compressed (zlib, fastest). Records are JSON and compress several times over,
/// so a batch of file hashes costs a fraction of its text. Decoding is bounded: it stops at the expected count
/// and at <see cref="MaxRecordBytes"/> per record, so a forged block cannot make the reader allocate more.
/// </summary>
public static class RecordBlock
{
    /// <summary>The most one item's record may take (UTF-8); a larger one is replaced by <see cref="Truncated"/>.</summary>
    public const int MaxRecordBytes = 256 * 1024;

    /// <summary>What replaces a record over <see cref="MaxRecordBytes"/>, so the item still has exactly one line.</summary>
    public static string Truncated(long originalBytes) => $"{{\"truncated\":true,\"recordBytes\":{originalBytes}}}";

    /// <summary>The record, or the truncation marker when it is over the cap.</summary>
    public static string Cap(string record)
    {
        var bytes = Encoding.UTF8.GetByteCount(record);
        return bytes <= MaxRecordBytes ? record : Truncated(bytes);
    }

    public static byte[] Encode(IReadOnlyList<string> records) => Encode(records, 0, records.Count);

    public static byte[] Encode(IReadOnlyList<string> records, int first, int count)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var w = new BinaryWriter(zlib, Encoding.UTF8))
        {
            w.Write7BitEncodedInt(count);
            for (var i = first; i < first + count; i++) w.Write(Cap(records[i]));
        }
        return output.ToArray();
    }

    /// <summary>
    /// The records of a block that must hold exactly <paramref name="expectedCount"/> of them; throws
    /// <see cref="InvalidDataException"/> for anything else (another count, a record over the cap, corrupt data).
    /// </summary>
    public static string[] Decode(ReadOnlySpan<byte> block, long expectedCount)
    {
        if (expectedCount < 0 || expectedCount > int.MaxValue) throw new InvalidDataException($"a block of {expectedCount} records");
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(block.ToArray(), writable: false), CompressionMode.Decompress);
            using var r = new BinaryReader(zlib, Encoding.UTF8);
            var count = r.Read7BitEncodedInt();
            if (count != expectedCount) throw new InvalidDataException($"{count} records for {expectedCount} items");
            var records = new string[count];
            var buffer = new byte[4096];
            for (var i = 0; i < count; i++)
            {
                var length = r.Read7BitEncodedInt();
                if (length < 0 || length > MaxRecordBytes) throw new InvalidDataException($"a record of {length} bytes (cap {MaxRecordBytes})");
                if (buffer.Length < length) buffer = new byte[Math.Max(length, buffer.Length * 2)];
                r.BaseStream.ReadExactly(buffer, 0, length);
                records[i] = Encoding.UTF8.GetString(buffer, 0, length);
            }
            return records;
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or IOException && e is not InvalidDataException)
        {
            throw new InvalidDataException($"corrupt record block: {e.Message}", e);
        }
    }

    /// <summary>
    /// Splits the records of <paramref name="start"/>.. into blocks of at most about <paramref name="maxRawBytes"/>
    /// of text each (at least one record), so no stored row and no reply that carries one grows without bound.
    /// </summary>
    public static List<(long Start, long Count, byte[] Block)> Split(long start, IReadOnlyList<string> records, int maxRawBytes)
    {
        var blocks = new List<(long, long, byte[])>();
        var first = 0;
        long raw = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var size = Encoding.UTF8.GetByteCount(records[i]) + 4;
            if (i > first && raw + size > maxRawBytes)
            {
                blocks.Add((start + first, i - first, Encode(records, first, i - first)));
                first = i;
                raw = 0;
            }
            raw += size;
        }
        if (records.Count > first) blocks.Add((start + first, records.Count - first, Encode(records, first, records.Count - first)));
        return blocks;
    }
}
