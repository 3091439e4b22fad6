using System.Text.Json.Nodes;
using ActorCluster.Abstractions;

namespace ActorCluster.Samples.AudioAnalysis;

/// <summary>The job's result: files analysed and failed, total duration, loudest peak and overall RMS.</summary>
public sealed class AudioAggregator : IResultAggregator
{
    private AudioTotals _totals = new();

    public void Add(ItemRange range, ReadOnlySpan<byte> partial) => _totals.Add(partial);

    public JsonObject ToJson() => new()
    {
        ["files"] = _totals.Files,
        ["failed"] = _totals.Failed,
        ["totalSeconds"] = Math.Round(_totals.Seconds, 6),
        ["peak"] = _totals.Peak,
        ["rms"] = _totals.Samples > 0 ? Math.Sqrt(_totals.SumSquares / _totals.Samples) : 0,
    };

    public long FailedItems => _totals.Failed;

    public byte[] Save() => _totals.ToPartial();

    public void Load(ReadOnlySpan<byte> saved)
    {
        _totals = new AudioTotals();
        _totals.Add(saved);
    }
}
