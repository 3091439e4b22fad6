using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ActorCluster.Abstractions;

namespace ActorCluster.Samples.AudioAnalysis;

/// <summary>An audio-analysis job over the files of its manifest; a file that cannot be read fails alone, reported in its record.</summary>
internal sealed class AudioJob(IReadOnlyList<AudioInput> files) : IWorkloadJob
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly byte[] _manifest = AudioManifest.Encode(files);

    public long ItemCount => files.Count;

    public WorkloadKind Kind => WorkloadKind.AudioAnalysis;

    // Samples stream through a small buffer whatever the file's length.
    public long MemoryPerItemBytes => 1 << 20;

    public ReadOnlyMemory<byte> Manifest => _manifest;

    public IReadOnlyList<long> ItemSizes => files.Select(f => f.Size).ToArray();

    public BatchOutput Execute(ItemRange range, CancellationToken cancellation)
    {
        var totals = new AudioTotals();
        var records = new string[range.Count];
        for (var i = range.Start; i < range.End; i++)
        {
            var file = files[(int)i];
            try
            {
                var figures = AudioFigures.Measure(file.Path, cancellation);
                totals.Add(figures);
                records[i - range.Start] = Record(file, figures, null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                totals.Failed++;
                records[i - range.Start] = Record(file, null, e.Message.ReplaceLineEndings(" "));
            }
        }
        return new BatchOutput(totals.ToPartial(), records);
    }

    public IResultAggregator CreateAggregator() => new AudioAggregator();

    private static string Record(AudioInput file, AudioFigures? f, string? error)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            json.WriteStartObject();
            json.WriteString("path", file.Path);
            if (f is not null)
            {
                json.WriteNumber("sampleRate", f.SampleRate);
                json.WriteNumber("channels", f.Channels);
                json.WriteNumber("bitsPerSample", f.BitsPerSample);
                json.WriteNumber("frames", f.Frames);
                json.WriteNumber("durationSeconds", f.DurationSeconds);
                json.WriteNumber("rms", f.Rms);
                json.WriteNumber("peak", f.Peak);
                WriteDecibels(json, "rmsDbfs", f.Rms);
                WriteDecibels(json, "peakDbfs", f.Peak);
                json.WriteNumber("zeroCrossingRate", f.ZeroCrossingRate);
                json.WriteNumber("zeroCrossingsPerSecond", f.ZeroCrossingsPerSecond);
            }
            else
                json.WriteString("error", error);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteDecibels(Utf8JsonWriter json, string name, double amplitude)
    {
        if (AudioFigures.Decibels(amplitude) is { } db) json.WriteNumber(name, Math.Round(db, 3));
        else json.WriteNull(name);
    }
}
