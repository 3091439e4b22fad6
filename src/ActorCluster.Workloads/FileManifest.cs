using System.Text;

namespace ActorCluster.Workloads;

/// <summary>
/// The files workload's manifest: the root directory, then every file's path relative to it, size and
/// modification time (UTC ticks), listed once when the job starts. Items are in this order: largest first (so
/// long items start early and batches see one size class at a time), then by path. Decoding checks every
/// count and length against the bytes left.
/// </summary>
public sealed class FileManifest
{
    private const byte Format = 1;

    public FileManifest(string root, IReadOnlyList<FileEntry> files)
    {
        Root = root;
        Files = files;
    }

    public string Root { get; }

    public IReadOnlyList<FileEntry> Files { get; }

    public byte[] Encode()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Format);
            w.Write(Root);
            w.Write7BitEncodedInt(Files.Count);
            foreach (var f in Files)
            {
                w.Write(f.RelativePath);
                w.Write7BitEncodedInt64(f.Size);
                w.Write(f.ModifiedUtcTicks);
            }
        }
        return stream.ToArray();
    }

    public static FileManifest Decode(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes.ToArray(), writable: false), Encoding.UTF8);
            if (r.ReadByte() != Format) throw new InvalidDataException("not a files manifest of a known format");
            var root = r.ReadString();
            var count = r.Read7BitEncodedInt();
            // Each entry takes at least 10 bytes (an empty path's length, a size, eight bytes of time).
            if (count < 0 || count > (r.BaseStream.Length - r.BaseStream.Position) / 10)
                throw new InvalidDataException($"a files manifest of {count} entries in {bytes.Length} bytes");
            var files = new FileEntry[count];
            for (var i = 0; i < count; i++)
                files[i] = new FileEntry(r.ReadString(), r.Read7BitEncodedInt64(), r.ReadInt64());
            return new FileManifest(root, files);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("a files manifest cut short", e);
        }
    }
}

/// <summary>One file of a <see cref="FileManifest"/>: its path under the root ('/'-separated), size and modification time.</summary>
public readonly record struct FileEntry(string RelativePath, long Size, long ModifiedUtcTicks);
