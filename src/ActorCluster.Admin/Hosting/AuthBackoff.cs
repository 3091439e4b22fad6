namespace ActorCluster.Admin.Hosting;

/// <summary>
/// How long to hold back the answer to a failed authentication, per client address: the delay doubles with every
/// failure in a row and is forgotten after a success or a quiet period. Time comes in as an argument so the
/// rules are testable without waiting. Thread-safe; bounded in the addresses it remembers.
/// </summary>
public sealed class AuthBackoff(TimeSpan first, TimeSpan max, TimeSpan quiet, int maxAddresses = 1024)
{
    private readonly Dictionary<string, (int Failures, DateTimeOffset Last)> _streaks = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>Counts one failure from <paramref name="address"/>; returns the failures in a row and the delay for this one.</summary>
    public (int Failures, TimeSpan Delay) Fail(string address, DateTimeOffset now)
    {
        lock (_gate)
        {
            var failures = Current(address, now) + 1;
            if (!_streaks.ContainsKey(address) && _streaks.Count >= maxAddresses)
                MakeRoom(now);
            _streaks[address] = (failures, now);
            return (failures, DelayAfter(failures));
        }
    }

    public void Succeed(string address)
    {
        lock (_gate) _streaks.Remove(address);
    }

    /// <summary>Failures in a row from <paramref name="address"/> that still count at <paramref name="now"/>.</summary>
    public int Failures(string address, DateTimeOffset now)
    {
        lock (_gate) return Current(address, now);
    }

    private int Current(string address, DateTimeOffset now) =>
        _streaks.TryGetValue(address, out var streak) && now - streak.Last < quiet ? streak.Failures : 0;

    private TimeSpan DelayAfter(int failures)
    {
        // Capped shift: past ~30 doublings any sane max has long been reached.
        var factor = 1L << Math.Min(failures - 1, 30);
        var ticks = first.Ticks * factor;
        return ticks <= 0 || ticks > max.Ticks ? max : TimeSpan.FromTicks(ticks);
    }

    // Many addresses failing at once (a spoofing flood): forget the quiet ones, else the longest-quiet one.
    private void MakeRoom(DateTimeOffset now)
    {
        foreach (var quietOne in _streaks.Where(s => now - s.Value.Last >= quiet).Select(s => s.Key).ToList())
            _streaks.Remove(quietOne);
        if (_streaks.Count >= maxAddresses)
            _streaks.Remove(_streaks.MinBy(s => s.Value.Last).Key);
    }
}
