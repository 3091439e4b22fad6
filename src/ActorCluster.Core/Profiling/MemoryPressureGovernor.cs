namespace ActorCluster.Core.Profiling;

/// <summary>
/// Thresholds of memory use (fractions of the tightest limit). The gap between <see cref="Shrink"/> and
/// <see cref="Grow"/> is the hysteresis that keeps a pool from flapping around one value.
/// </summary>
public sealed record PressureThresholds(double Shrink = 0.80, double Grow = 0.60, double Stop = 0.95, int SettleSamples = 2)
{
    public static PressureThresholds Default { get; } = new();
}

public enum PressureAction { Shrink, Grow, Pause, Resume }

/// <summary>One decision of the governor, as it appears in logs and under <c>resizes</c> in report.json.</summary>
public sealed record PressureEvent(PressureAction Action, int FromWorkers, int ToWorkers, double MemoryFraction, string Reason);

/// <summary>
/// Caps a node's pool under memory pressure. Above <see cref="PressureThresholds.Shrink"/> it drops as
/// many workers as the excess memory needs (or half when items declare no memory); below
/// <see cref="PressureThresholds.Grow"/> it adds one worker at a time, and only when that worker's
/// memory still fits under the shrink line — otherwise the pool would grow straight back into pressure.
/// After any change it waits <see cref="PressureThresholds.SettleSamples"/> samples, because a retiring
/// worker frees its memory only when its batch is done. What a shrink really freed per worker is
/// remembered: a workload that under-declares its memory would otherwise be let grow straight back. Above <see cref="PressureThresholds.Stop"/> the
/// node asks for no work until use is back under the shrink line.
/// </summary>
public sealed class MemoryPressureGovernor(PressureThresholds? thresholds = null)
{
    private readonly PressureThresholds _t = thresholds ?? PressureThresholds.Default;
    private int _samplesSinceChange = int.MaxValue / 2;
    private (long UsedBytes, int Workers)? _lastShrink;

    /// <summary>The most workers memory allows now; null when there is no pressure cap.</summary>
    public int? Cap { get; private set; }

    /// <summary>True while the node must not ask for more work.</summary>
    public bool Paused { get; private set; }

    /// <summary>Memory one worker was seen to free when the pool shrank; 0 until a shrink has settled.</summary>
    public long LearnedBytesPerWorker { get; private set; }

    /// <summary>The pool size allowed for a planned size.</summary>
    public int Limit(int planned) => Math.Max(1, Cap is { } cap ? Math.Min(planned, cap) : planned);

    /// <param name="use">The tightest memory measure of the latest snapshot.</param>
    /// <param name="planned">The pool the policies want without pressure.</param>
    /// <param name="memoryPerWorkerBytes">What one more or one fewer worker costs or frees; 0 = unknown.</param>
    public IReadOnlyList<PressureEvent> Observe(MemoryUse use, int planned, long memoryPerWorkerBytes)
    {
        var events = new List<PressureEvent>();
        if (use.LimitBytes <= 0) return events;
        _samplesSinceChange = Math.Min(_samplesSinceChange + 1, int.MaxValue / 2);
        var fraction = use.Fraction;
        var current = Limit(planned);
        if (_lastShrink is { } shrink && _samplesSinceChange >= _t.SettleSamples && shrink.Workers > current && use.UsedBytes < shrink.UsedBytes)
        {
            LearnedBytesPerWorker = Math.Max(LearnedBytesPerWorker, (shrink.UsedBytes - use.UsedBytes) / (shrink.Workers - current));
            _lastShrink = null;
        }
        memoryPerWorkerBytes = Math.Max(memoryPerWorkerBytes, LearnedBytesPerWorker);
        var where = $"memory at {Pct(fraction)} of {use.Source} ({ResourceSnapshot.Mb(use.UsedBytes)} of {ResourceSnapshot.Mb(use.LimitBytes)})";

        if (!Paused && fraction >= _t.Stop)
        {
            Paused = true;
            events.Add(new PressureEvent(PressureAction.Pause, current, current, fraction, $"{where} >= {Pct(_t.Stop)}: no new work until below {Pct(_t.Shrink)}"));
        }
        else if (Paused && fraction < _t.Shrink)
        {
            Paused = false;
            events.Add(new PressureEvent(PressureAction.Resume, current, current, fraction, $"{where} < {Pct(_t.Shrink)}: asking for work again"));
        }

        if (fraction > _t.Shrink && current > 1 && _samplesSinceChange >= _t.SettleSamples)
        {
            var target = (_t.Shrink + _t.Grow) / 2 * use.LimitBytes;
            var drop = memoryPerWorkerBytes > 0
                ? (int)Math.Ceiling((use.UsedBytes - target) / memoryPerWorkerBytes)
                : (current + 1) / 2;
            Cap = current - Math.Clamp(drop, 1, current - 1);
            _samplesSinceChange = 0;
            _lastShrink = (use.UsedBytes, current);
            events.Add(new PressureEvent(PressureAction.Shrink, current, Cap.Value, fraction, $"{where} > {Pct(_t.Shrink)}: pool {current} -> {Cap}"));
        }
        else if (fraction < _t.Grow && Cap is { } cap && _samplesSinceChange >= _t.SettleSamples)
        {
            if (cap >= planned)
            {
                Cap = null; // the plan itself shrank below the cap (a job ended): nothing left to hold back
            }
            else if (memoryPerWorkerBytes <= 0 || use.UsedBytes + memoryPerWorkerBytes < _t.Shrink * use.LimitBytes)
            {
                Cap = cap + 1 >= planned ? null : cap + 1;
                _samplesSinceChange = 0;
                events.Add(new PressureEvent(PressureAction.Grow, current, Limit(planned), fraction, $"{where} < {Pct(_t.Grow)}: pool {current} -> {Limit(planned)}"));
            }
        }
        return events;
    }

    private static string Pct(double fraction) => ResourceSnapshot.Percent(fraction);
}
