using ActorCluster.Core.Profiling;

namespace ActorCluster.Core.Agents;

/// <summary>
/// What one job used on this node while it ran: the node's peak resident memory, its mean CPU use and every
/// change of the pool under memory pressure. The agent sends it to the job's coordinator with a completion
/// whenever it changed, and it ends up per node in report.json.
/// </summary>
public sealed class JobUsageTracker
{
    private readonly List<(DateTimeOffset At, PressureEvent Event)> _resizes = [];
    private double _cpuPercentSum;
    private int _cpuSamples;
    private bool _changed = true; // the coordinator gets the plan with the job's first completion

    public long PeakRssBytes { get; private set; }

    /// <summary>Mean of the sampled CPU use, to one decimal; 0 before a sample had one.</summary>
    public double CpuPercent => _cpuSamples == 0 ? 0 : Math.Round(_cpuPercentSum / _cpuSamples, 1);

    /// <summary>The pool's changes while the job ran, with the time of the sample that caused each.</summary>
    public IReadOnlyList<(DateTimeOffset At, PressureEvent Event)> Resizes => _resizes;

    public void Observe(ResourceSnapshot snapshot)
    {
        PeakRssBytes = Math.Max(PeakRssBytes, snapshot.ProcessRssBytes);
        if (snapshot.ProcessCpuFraction is { } cpu)
        {
            _cpuPercentSum += cpu * 100;
            _cpuSamples++;
        }
        _changed = true;
    }

    public void Resized(DateTimeOffset at, PressureEvent resize)
    {
        _resizes.Add((at, resize));
        _changed = true;
    }

    /// <summary>True once after every change (and at first): the usage is worth sending again.</summary>
    public bool TakeChange()
    {
        var changed = _changed;
        _changed = false;
        return changed;
    }
}
