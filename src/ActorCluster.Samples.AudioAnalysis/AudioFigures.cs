namespace ActorCluster.Samples.AudioAnalysis;

/// <summary>
/// What one WAV file measures, over all its channels together (as <c>sox FILE -n stat</c> does): duration, RMS and
/// peak amplitude (full scale = 1) and the zero-crossing rate, the fraction of consecutive samples of a channel whose
/// sign differs (crossings per second = rate x sample rate).
/// </summary>
public sealed record AudioFigures(
    int SampleRate,
    int Channels,
    int BitsPerSample,
    long Frames,
    double DurationSeconds,
    double Rms,
    double Peak,
    double ZeroCrossingRate)
{
    public double ZeroCrossingsPerSecond => ZeroCrossingRate * SampleRate;

    /// <summary>Level in dB relative to full scale; -inf dB (silence) is reported as null.</summary>
    public static double? Decibels(double amplitude) => amplitude > 0 ? 20 * Math.Log10(amplitude) : null;

    public static AudioFigures Measure(string path, CancellationToken cancellation)
    {
        using var wav = WavReader.Open(path);
        var channels = wav.Channels;
        var samples = new double[4096 * channels];
        var scratch = new byte[4096 * channels * (wav.BitsPerSample / 8)];
        var previousNegative = new bool[channels];
        var started = false;
        double sumSquares = 0, peak = 0;
        long count = 0, crossings = 0;
        int read;
        while ((read = wav.Read(samples, scratch)) > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            for (var i = 0; i < read; i++)
            {
                var x = samples[i];
                sumSquares += x * x;
                var magnitude = Math.Abs(x);
                if (magnitude > peak) peak = magnitude;
                var channel = i % channels;
                var negative = x < 0;
                if (started && negative != previousNegative[channel]) crossings++;
                previousNegative[channel] = negative;
                if (channel == channels - 1) started = true;
            }
            count += read;
        }
        var frames = count / channels;
        var pairs = Math.Max(0, frames - 1) * channels;
        return new AudioFigures(wav.SampleRate, channels, wav.BitsPerSample, frames, (double)frames / wav.SampleRate,
            count > 0 ? Math.Sqrt(sumSquares / count) : 0, peak, pairs > 0 ? (double)crossings / pairs : 0);
    }
}
