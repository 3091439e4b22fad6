using System.IO.Compression;
using System.Security.Cryptography;

namespace ActorCluster.Core.Jobs;

/// <summary>
/// Turns a workload's manifest into what the job store keeps and agents fetch: compressed (a list of paths
/// shrinks several times), cut into chunks of <see cref="ChunkBytes"/> so no journal row or remote message
/// comes near a frame limit, with a SHA-256 over the compressed bytes; and back, bounded by
/// <see cref="MaxManifestBytes"/> so a forged manifest cannot exhaust memory.
/// </summary>
public static class ManifestCodec
{
    /// <summary>1 MB: a 1,000,000-file manifest (about 15 MB compressed) is a few dozen chunks, each well under the 16 MB frame.</summary>
    public const int ChunkBytes = 1024 * 1024;

    /// <summary>The most a manifest may take uncompressed (about 10 million files with long paths).</summary>
    public const long MaxManifestBytes = 1L << 30;

    /// <summary>At most this many chunks (compressed data of a manifest at its largest, with room).</summary>
    public const int MaxChunks = (int)(MaxManifestBytes / ChunkBytes);

    public static (ManifestInfo Info, List<byte[]> Chunks) Pack(ReadOnlySpan<byte> manifest)
    {
        if (manifest.IsEmpty) return (ManifestInfo.None, []);
        if (manifest.Length > MaxManifestBytes) throw new InvalidDataException($"a manifest of {manifest.Length:N0} bytes is over the limit of {MaxManifestBytes:N0}");
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
            zlib.Write(manifest);
        var packed = output.GetBuffer().AsSpan(0, (int)output.Length);
        var chunks = new List<byte[]>();
        for (var at = 0; at < packed.Length; at += ChunkBytes)
            chunks.Add(packed.Slice(at, Math.Min(ChunkBytes, packed.Length - at)).ToArray());
        return (new ManifestInfo(chunks.Count, packed.Length, Convert.ToHexString(SHA256.HashData(packed))), chunks);
    }

    /// <summary>The manifest from its chunks in order; <see cref="InvalidDataException"/> when they do not match <paramref name="info"/>.</summary>
    public static byte[] Unpack(ManifestInfo info, IReadOnlyList<byte[]> chunks)
    {
        if (info.IsEmpty) return [];
        if (chunks.Count != info.Chunks) throw new InvalidDataException($"{chunks.Count} of the manifest's {info.Chunks} chunks");
        var packed = new byte[chunks.Sum(c => (long)c.Length) == info.Bytes ? info.Bytes : throw new InvalidDataException("the manifest's chunks do not add up to its size")];
        var at = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(packed, at);
            at += chunk.Length;
        }
        if (!string.Equals(Convert.ToHexString(SHA256.HashData(packed)), info.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException("the manifest's checksum does not match: it changed in the job store or on the way");
        using var zlib = new ZLibStream(new MemoryStream(packed, writable: false), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = zlib.Read(buffer)) > 0)
        {
            if (output.Length + read > MaxManifestBytes) throw new InvalidDataException($"the manifest is over {MaxManifestBytes:N0} bytes");
            output.Write(buffer, 0, read);
        }
        return output.ToArray();
    }
}
