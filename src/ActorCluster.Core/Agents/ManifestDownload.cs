using ActorCluster.Core.Jobs;

namespace ActorCluster.Core.Agents;

/// <summary>
/// A job's manifest as a node agent fetches it from the job's coordinator: one chunk at a time, in order, each
/// checked against what the job's <see cref="ManifestInfo"/> allows, then verified and unpacked whole. A
/// download that stops making progress (a lost reply, a coordinator that moved) is started again.
/// </summary>
public sealed class ManifestDownload(ManifestInfo info, DateTime now)
{
    private readonly List<byte[]> _chunks = [];
    private long _bytes;

    public ManifestInfo Info { get; } = info;

    /// <summary>The chunk to ask for next.</summary>
    public int NextChunk => _chunks.Count;

    public bool IsComplete => _chunks.Count == Info.Chunks;

    public DateTime LastProgress { get; private set; } = now;

    public bool Stalled(DateTime now, TimeSpan after) => now - LastProgress > after;

    /// <summary>
    /// Takes the chunk if it is the one asked for (false for a late or repeated reply); throws
    /// <see cref="InvalidDataException"/> for an empty chunk (the store lost it) or one past the manifest's size.
    /// </summary>
    public bool Add(int chunk, byte[] data, DateTime now)
    {
        if (chunk != NextChunk || IsComplete) return false;
        if (data.Length == 0) throw new InvalidDataException($"the coordinator has no chunk {chunk} of the job's manifest");
        if (data.Length > ManifestCodec.ChunkBytes || _bytes + data.Length > Info.Bytes)
            throw new InvalidDataException($"chunk {chunk} of the job's manifest is larger than the manifest allows");
        _chunks.Add(data);
        _bytes += data.Length;
        LastProgress = now;
        return true;
    }

    /// <summary>The whole manifest, verified against its checksum.</summary>
    public byte[] Manifest() => ManifestCodec.Unpack(Info, _chunks);
}
