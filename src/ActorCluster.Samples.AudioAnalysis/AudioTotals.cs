using System.Buffers.Binary;

namespace ActorCluster.Samples.AudioAnalysis;

/// <summary>The sums a batch adds to the job's result; a partial is its five numbers, 8 bytes each.</summary>
internal sealed class AudioTotals
{
    public long Files;
    public long Failed;
    public double Seconds;
    public double Peak;
    /// <summary>Sum of squares of every sample of every file, with <see cref="Samples"/>: the job's overall RMS.</summary>
    public double SumSquares;
    public double Samples;

    public void Add(AudioFigures f)
    {
        Files++;
        Seconds += f.DurationSeconds;
        Peak = Math.Max(Peak, f.Peak);
        var samples = (double)f.Frames * f.Channels;
        SumSquares += f.Rms * f.Rms * samples;
        Samples += samples;
    }

    public void Add(ReadOnlySpan<byte> partial)
    {
        Files += BinaryPrimitives.ReadInt64LittleEndian(partial);
        Failed += BinaryPrimitives.ReadInt64LittleEndian(partial[8..]);
        Seconds += BinaryPrimitives.ReadDoubleLittleEndian(partial[16..]);
        Peak = Math.Max(Peak, BinaryPrimitives.ReadDoubleLittleEndian(partial[24..]));
        SumSquares += BinaryPrimitives.ReadDoubleLittleEndian(partial[32..]);
        Samples += BinaryPrimitives.ReadDoubleLittleEndian(partial[40..]);
    }

    public byte[] ToPartial()
    {
        var bytes = new byte[48];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, Files);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), Failed);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(16), Seconds);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(24), Peak);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(32), SumSquares);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(40), Samples);
        return bytes;
    }
}
