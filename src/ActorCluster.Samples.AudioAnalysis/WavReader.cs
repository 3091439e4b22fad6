using System.Buffers.Binary;

namespace ActorCluster.Samples.AudioAnalysis;

/// <summary>
/// Streams the samples of a RIFF/WAVE file: PCM of 8, 16, 24 or 32 bits, 32- or 64-bit IEEE float, also in
/// WAVE_FORMAT_EXTENSIBLE. Samples come out as doubles scaled as sox scales them (an n-bit integer divided by
/// 2^(n-1), 8-bit unsigned centred first), one buffer at a time, so a file of any length needs a fixed amount of memory.
/// </summary>
public sealed class WavReader : IDisposable
{
    private const int FormatPcm = 1;
    private const int FormatFloat = 3;
    private const int FormatExtensible = 0xFFFE;
    private readonly Stream _stream;
    private long _dataLeft;

    private WavReader(Stream stream, int channels, int sampleRate, int bitsPerSample, bool isFloat, long dataBytes)
    {
        _stream = stream;
        Channels = channels;
        SampleRate = sampleRate;
        BitsPerSample = bitsPerSample;
        IsFloat = isFloat;
        _dataLeft = dataBytes;
        Frames = dataBytes / BlockAlign;
    }

    public int Channels { get; }

    public int SampleRate { get; }

    public int BitsPerSample { get; }

    public bool IsFloat { get; }

    public long Frames { get; }

    private int BlockAlign => Channels * BitsPerSample / 8;

    /// <summary>Opens a WAV file and reads its header, or throws <see cref="InvalidDataException"/> with a one-line reason.</summary>
    public static WavReader Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            return ReadHeader(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static WavReader ReadHeader(Stream stream)
    {
        Span<byte> head = stackalloc byte[12];
        if (stream.ReadAtLeast(head, 12, throwOnEndOfStream: false) < 12 || !head[..4].SequenceEqual("RIFF"u8) || !head[8..12].SequenceEqual("WAVE"u8))
            throw new InvalidDataException("not a RIFF/WAVE file");
        int? channels = null, rate = null, bits = null;
        var isFloat = false;
        Span<byte> chunk = stackalloc byte[8];
        Span<byte> fmt = stackalloc byte[40];
        while (true)
        {
            if (stream.ReadAtLeast(chunk, 8, throwOnEndOfStream: false) < 8)
                throw new InvalidDataException("no data chunk");
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            if (chunk[..4].SequenceEqual("fmt "u8))
            {
                if (size < 16) throw new InvalidDataException("fmt chunk too short");
                var take = (int)Math.Min(size, (uint)fmt.Length);
                if (stream.ReadAtLeast(fmt[..take], take, throwOnEndOfStream: false) < take) throw new InvalidDataException("truncated fmt chunk");
                Skip(stream, size - take + (size & 1));
                int format = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
                if (format == FormatExtensible && take >= 26)
                    format = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]); // the sub-format GUID starts with the format code
                channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
                rate = (int)BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
                isFloat = format == FormatFloat;
                if (format is not (FormatPcm or FormatFloat))
                    throw new InvalidDataException($"unsupported WAV format {format} (PCM and IEEE float only)");
                if (isFloat ? bits is not (32 or 64) : bits is not (8 or 16 or 24 or 32))
                    throw new InvalidDataException($"unsupported sample size {bits} bits");
                if (channels is 0 || rate <= 0) throw new InvalidDataException("no channels or no sample rate");
            }
            else if (chunk[..4].SequenceEqual("data"u8))
            {
                if (channels is null) throw new InvalidDataException("data chunk before fmt chunk");
                // A streamed WAV may leave the size at 0 or 0xFFFFFFFF: then the data runs to the end of the file.
                var available = stream.Length - stream.Position;
                var dataBytes = size is 0 or uint.MaxValue ? available : Math.Min(size, available);
                return new WavReader(stream, channels.Value, rate!.Value, bits!.Value, isFloat, dataBytes);
            }
            else
                Skip(stream, size + (size & 1));
        }
    }

    /// <summary>Fills <paramref name="samples"/> with interleaved samples; returns how many (a multiple of the channel count), 0 at the end.</summary>
    public int Read(Span<double> samples, Span<byte> scratch)
    {
        var bytesPerSample = BitsPerSample / 8;
        var frames = Math.Min(samples.Length / Channels, scratch.Length / BlockAlign);
        var want = (int)Math.Min((long)frames * BlockAlign, _dataLeft - _dataLeft % BlockAlign);
        if (want <= 0) return 0;
        var got = _stream.ReadAtLeast(scratch[..want], want, throwOnEndOfStream: false);
        got -= got % BlockAlign;
        _dataLeft -= got;
        if (got < want) _dataLeft = 0; // a truncated file ends where its bytes end
        var count = got / bytesPerSample;
        for (var i = 0; i < count; i++)
            samples[i] = Decode(scratch.Slice(i * bytesPerSample, bytesPerSample));
        return count;
    }

    private double Decode(ReadOnlySpan<byte> b) => (BitsPerSample, IsFloat) switch
    {
        (8, false) => (b[0] - 128) / 128.0,
        (16, false) => BinaryPrimitives.ReadInt16LittleEndian(b) / 32768.0,
        (24, false) => ((b[0] | (b[1] << 8) | (b[2] << 16)) << 8 >> 8) / 8388608.0,
        (32, false) => BinaryPrimitives.ReadInt32LittleEndian(b) / 2147483648.0,
        (32, true) => BinaryPrimitives.ReadSingleLittleEndian(b),
        _ => BinaryPrimitives.ReadDoubleLittleEndian(b),
    };

    private static void Skip(Stream stream, long bytes)
    {
        if (bytes <= 0) return;
        if (stream.Position + bytes > stream.Length) throw new InvalidDataException("truncated chunk");
        stream.Seek(bytes, SeekOrigin.Current);
    }

    public void Dispose() => _stream.Dispose();
}
