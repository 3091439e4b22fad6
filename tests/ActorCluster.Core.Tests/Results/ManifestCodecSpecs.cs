using ActorCluster.Core.Jobs;
using ActorCluster.Workloads;

namespace ActorCluster.Core.Tests.Results;

public sealed class ManifestCodecSpecs
{
    /// <summary>A files manifest of 1,000,000 entries with paths like a real tree's.</summary>
    private static byte[] MillionFiles() =>
        new FileManifest("/data/archive", Enumerable.Range(0, 1_000_000)
            .Select(i => new FileEntry($"year-{i % 20 + 2000}/month-{i % 12 + 1:00}/recording {i:0000000}.wav", 1000L + i * 7919L % 10_000_000, 638_000_000_000_000_000L + i))
            .ToList()).Encode();

    [Fact]
    public void Should_store_a_million_file_manifest_in_chunks_far_below_the_frame_limit_and_get_it_back()
    {
        var manifest = MillionFiles();

        var (info, chunks) = ManifestCodec.Pack(manifest);
        var back = ManifestCodec.Unpack(info, chunks);

        Assert.All(chunks, c => Assert.True(c.Length <= ManifestCodec.ChunkBytes));
        Assert.Equal(info.Bytes, chunks.Sum(c => (long)c.Length));
        Assert.True(info.Bytes < manifest.Length / 3, $"compressed {manifest.Length:N0} to {info.Bytes:N0} bytes only");
        Assert.Equal(manifest, back);
        Assert.Equal(1_000_000, FileManifest.Decode(back).Files.Count);
    }

    [Fact]
    public void Should_refuse_chunks_that_do_not_match_the_journaled_checksum()
    {
        var (info, chunks) = ManifestCodec.Pack(MillionFiles().AsSpan(0, 3_000_000));
        var missing = chunks.Take(chunks.Count - 1).ToList();
        var (other, otherChunks) = ManifestCodec.Pack(MillionFiles().AsSpan(0, 3_000_001));

        Assert.Throws<InvalidDataException>(() => ManifestCodec.Unpack(info with { Bytes = other.Bytes, Chunks = other.Chunks }, otherChunks));
        chunks[0][10] ^= 0xFF;

        Assert.Throws<InvalidDataException>(() => ManifestCodec.Unpack(info, chunks));
        Assert.Throws<InvalidDataException>(() => ManifestCodec.Unpack(info, missing));
    }

    [Fact]
    public void Should_have_nothing_to_store_for_a_job_without_a_manifest()
    {
        var (info, chunks) = ManifestCodec.Pack([]);

        Assert.True(info.IsEmpty);
        Assert.Empty(chunks);
        Assert.Empty(ManifestCodec.Unpack(info, chunks));
    }
}
