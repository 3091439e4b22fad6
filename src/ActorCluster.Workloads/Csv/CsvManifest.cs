using System.Text;
using ActorCluster.Abstractions;

namespace ActorCluster.Workloads.Csv;

/// <summary>
/// What <see cref="CsvWorkload.Prepare"/> fixed for the job, so <see cref="CsvWorkload.Open"/> rebuilds it without
/// reading the file's header or scanning it again: the file's size and modification time (a node whose file
/// differs refuses the job), the parse settings, the resolved columns and the chunk boundaries with their
/// starting lines. Boundaries are stored as varint deltas: a chunk costs a few bytes.
/// </summary>
internal sealed record CsvManifest(
    long FileSize,
    long ModifiedUtcTicks,
    char Delimiter,
    bool Header,
    int FieldCount,
    CsvColumn Group,
    CsvColumn[] Sums,
    CsvLayout Layout)
{
    private const int Magic = 0x31565343; // "CSV1"
    private const int MaxLabelChars = 4096;

    public byte[] Encode()
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FileSize);
            writer.Write(ModifiedUtcTicks);
            writer.Write((ushort)Delimiter);
            writer.Write(Header);
            writer.Write7BitEncodedInt(FieldCount);
            WriteColumn(writer, Group);
            writer.Write7BitEncodedInt(Sums.Length);
            foreach (var sum in Sums)
                WriteColumn(writer, sum);
            writer.Write7BitEncodedInt(Layout.ChunkCount);
            writer.Write7BitEncodedInt64(Layout.Rows);
            writer.Write7BitEncodedInt64(Layout.FileLength);
            writer.Write7BitEncodedInt64(Layout.UnterminatedLine);
            long previous = 0;
            foreach (var offset in Layout.Offsets)
            {
                writer.Write7BitEncodedInt64(offset - previous);
                previous = offset;
            }
            previous = 0;
            foreach (var line in Layout.Lines)
            {
                writer.Write7BitEncodedInt64(line - previous);
                previous = line;
            }
        }
        return memory.ToArray();
    }

    /// <summary>Reads what <see cref="Encode"/> wrote; anything else is a one-line error, never a huge allocation.</summary>
    public static CsvManifest Decode(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes.ToArray(), writable: false), Encoding.UTF8);
            if (reader.ReadInt32() != Magic) throw new InvalidDataException("not a csv manifest");
            var size = reader.ReadInt64();
            var modified = reader.ReadInt64();
            var delimiter = (char)reader.ReadUInt16();
            var header = reader.ReadBoolean();
            var fields = Bounded(reader.Read7BitEncodedInt(), 1, int.MaxValue);
            var group = ReadColumn(reader, fields);
            var sums = new CsvColumn[Bounded(reader.Read7BitEncodedInt(), 1, CsvWorkload.MaxSumColumns)];
            for (var i = 0; i < sums.Length; i++)
                sums[i] = ReadColumn(reader, fields);
            var chunks = Bounded(reader.Read7BitEncodedInt(), 1, CsvWorkload.MaxChunks);
            // Every chunk takes at least two bytes below: a count the rest cannot hold is damage, not a reason to allocate.
            if ((long)chunks * 2 > reader.BaseStream.Length - reader.BaseStream.Position) throw new InvalidDataException("truncated");
            var rows = reader.Read7BitEncodedInt64();
            var length = reader.Read7BitEncodedInt64();
            var unterminated = reader.Read7BitEncodedInt64();
            var offsets = new long[chunks + 1];
            long value = 0;
            for (var i = 0; i < offsets.Length; i++)
                offsets[i] = value += reader.Read7BitEncodedInt64();
            var lines = new long[chunks];
            value = 0;
            for (var i = 0; i < lines.Length; i++)
                lines[i] = value += reader.Read7BitEncodedInt64();
            if (reader.BaseStream.Position != reader.BaseStream.Length || offsets[^1] > length || length != size)
                throw new InvalidDataException("inconsistent");
            return new CsvManifest(size, modified, delimiter, header, fields, group, sums,
                new CsvLayout(offsets, lines, rows, length, unterminated));
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException or IOException)
        {
            throw new WorkloadArgumentException($"csv: the job's manifest is damaged ({e.Message})");
        }
    }

    private static void WriteColumn(BinaryWriter writer, CsvColumn column)
    {
        writer.Write7BitEncodedInt(column.Index);
        writer.Write(column.Label);
    }

    private static CsvColumn ReadColumn(BinaryReader reader, int fields)
    {
        var index = Bounded(reader.Read7BitEncodedInt(), 0, fields - 1);
        var chars = reader.ReadString();
        return chars.Length > MaxLabelChars ? throw new InvalidDataException("label too long") : new CsvColumn(index, chars);
    }

    private static int Bounded(int value, int min, int max) =>
        value >= min && value <= max ? value : throw new InvalidDataException($"{value} out of range");
}
