using ActorCluster.Abstractions;

namespace ActorCluster.Samples.AudioAnalysis;

/// <summary>The job's files, in item order: a count, then per file its path, size and modification time.</summary>
public static class AudioManifest
{
    public static byte[] Encode(IReadOnlyList<AudioInput> files)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write7BitEncodedInt(files.Count);
            foreach (var f in files)
            {
                w.Write(f.Path);
                w.Write7BitEncodedInt64(f.Size);
                w.Write7BitEncodedInt64(f.ModifiedUnixMs);
            }
        }
        return stream.ToArray();
    }

    public static List<AudioInput> Decode(ReadOnlyMemory<byte> manifest)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(manifest.ToArray()));
            var count = r.Read7BitEncodedInt();
            // Each file takes at least 3 bytes: a count beyond that is damage, not a reason to allocate.
            if (count < 0 || count > manifest.Length / 3)
                throw new InvalidDataException("bad count");
            var files = new List<AudioInput>(count);
            for (var i = 0; i < count; i++)
                files.Add(new AudioInput(r.ReadString(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64()));
            return files;
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or InvalidDataException)
        {
            throw new WorkloadArgumentException("audio-analysis: the job's manifest is damaged");
        }
    }
}
