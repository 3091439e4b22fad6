namespace ActorCluster.Core.Jobs;

/// <summary>
/// Who follows a job, and when they should hear from it. A watch is a lease: it lapses unless the watcher
/// renews it, so a client that went away is forgotten without anyone telling the coordinator. Progress
/// goes out only when it changed since it last went out; the end goes to everyone once.
/// </summary>
public sealed class JobWatchers<TWatcher>(TimeSpan lease) where TWatcher : notnull
{
    private readonly Dictionary<TWatcher, long> _leaseEndsAtMs = [];
    private JobProgress? _lastSent;

    /// <summary>
    /// Starts or renews a watch of a watcher that was just told <paramref name="current"/>; true when the
    /// watcher is new. The first watcher's progress counts as sent, so it does not hear it twice.
    /// </summary>
    public bool Watch(TWatcher watcher, JobProgress current, long nowMs)
    {
        var isNew = !_leaseEndsAtMs.ContainsKey(watcher);
        _leaseEndsAtMs[watcher] = nowMs + (long)lease.TotalMilliseconds;
        _lastSent ??= current;
        return isNew;
    }

    /// <summary>Forgets lapsed watches, then returns who should hear <paramref name="progress"/>: every watcher if it changed, nobody otherwise.</summary>
    public List<TWatcher> DueFor(JobProgress progress, long nowMs)
    {
        foreach (var lapsed in _leaseEndsAtMs.Where(w => w.Value <= nowMs).Select(w => w.Key).ToList())
            _leaseEndsAtMs.Remove(lapsed);
        if (_lastSent == progress || _leaseEndsAtMs.Count == 0) return [];
        _lastSent = progress;
        return _leaseEndsAtMs.Keys.ToList();
    }

    /// <summary>The job ended: every watcher hears it once, and nobody watches any more.</summary>
    public List<TWatcher> TakeAll()
    {
        var all = _leaseEndsAtMs.Keys.ToList();
        _leaseEndsAtMs.Clear();
        return all;
    }
}
