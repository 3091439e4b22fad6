using System.Text;
using ActorCluster.Abstractions;

namespace ActorCluster.Workloads;

/// <summary>
/// exec's manifest: its inputs in item order, each a 7-bit length and UTF-8, after a format byte and the count.
/// About the size of the input list itself (a million 60-byte paths: 61 MB).
/// </summary>
public static class ExecManifest
{
    private const byte Format = 1;

    public static byte[] Encode(IReadOnlyList<string> inputs)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Format);
            w.Write7BitEncodedInt(inputs.Count);
            foreach (var input in inputs) w.Write(input);
        }
        return stream.ToArray();
    }

    /// <summary>Reads what <see cref="Encode"/> wrote; any inconsistency is an error, never an oversized allocation.</summary>
    public static string[] Decode(ReadOnlyMemory<byte> manifest)
    {
        var bytes = manifest.Span;
        try
        {
            if (bytes.Length < 2 || bytes[0] != Format)
                throw new WorkloadArgumentException("exec: the job's manifest is missing or of an unknown format");
            var at = 1;
            var count = Read7Bit(bytes, ref at);
            if (count < 0 || count > bytes.Length - at)
                throw new WorkloadArgumentException("exec: the job's manifest is damaged");
            var inputs = new string[count];
            for (var i = 0; i < count; i++)
            {
                var length = Read7Bit(bytes, ref at);
                if (length < 0 || length > bytes.Length - at)
                    throw new WorkloadArgumentException("exec: the job's manifest is damaged");
                inputs[i] = Encoding.UTF8.GetString(bytes.Slice(at, length));
                at += length;
            }
            return inputs;
        }
        catch (IndexOutOfRangeException)
        {
            throw new WorkloadArgumentException("exec: the job's manifest is damaged");
        }
    }

    private static int Read7Bit(ReadOnlySpan<byte> bytes, ref int at)
    {
        var value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = bytes[at++];
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
        return -1;
    }
}
