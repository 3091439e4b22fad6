namespace ActorCluster.Core.Jobs;

public sealed record BatchSizingOptions
{
    /// <summary>How long one batch should take on one worker: long enough to amortize a message round trip, short enough to balance.</summary>
    public TimeSpan TargetBatchDuration { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>Size used before any batch has been measured: small, because nothing is known about item cost yet.</summary>
    public long InitialBatchSize { get; init; } = 4;

    public long MaxBatchSize { get; init; } = 5_000_000;

    /// <summary>Guided self-scheduling: a batch never takes more than remaining / (TailFactor x workers), so the end of a job is spread thin.</summary>
    public int TailFactor { get; init; } = 2;

    /// <summary>A new size is at most this many times the largest batch measured so far (slow start: one fast measurement cannot produce a huge batch).</summary>
    public int MaxGrowthFactor { get; init; } = 8;
}

/// <summary>
/// Chooses batch sizes from the measured cost per item so each batch takes about the target duration,
/// and shrinks batches toward the end of a job so no worker is left with a long tail.
/// </summary>
public sealed class BatchSizer(BatchSizingOptions options)
{
    private const double Smoothing = 0.3;
    private double? _microsPerItem;
    private long _largestMeasured;

    public void Observe(long items, double busyMicros)
    {
        if (items <= 0 || busyMicros < 0) return;
        var sample = busyMicros / items;
        _microsPerItem = _microsPerItem is { } current ? current + Smoothing * (sample - current) : sample;
        _largestMeasured = Math.Max(_largestMeasured, items);
    }

    /// <summary>The size of the next batch given the items not yet handed out and the workers in the cluster.</summary>
    public long NextSize(long remaining, int totalWorkers)
    {
        if (remaining <= 0) return 0;
        long size;
        if (_microsPerItem is { } cost)
        {
            var target = options.TargetBatchDuration.TotalMicroseconds / Math.Max(cost, 0.001);
            size = (long)Math.Min(target, options.MaxBatchSize);
            size = Math.Min(size, Math.Max(_largestMeasured, 1) * options.MaxGrowthFactor);
        }
        else
        {
            size = options.InitialBatchSize;
        }
        var tailCap = (remaining + (long)options.TailFactor * Math.Max(totalWorkers, 1) - 1) / ((long)options.TailFactor * Math.Max(totalWorkers, 1));
        size = Math.Min(size, tailCap);
        return Math.Clamp(size, 1, remaining);
    }
}
