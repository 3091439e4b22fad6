using ActorCluster.Core.Jobs;
using ActorCluster.Protocol;

namespace ActorCluster.Cli;

/// <summary>
/// Shows a job's progress: a bar redrawn in place on a terminal, plain lines (at most one a second)
/// when the output is redirected to a file or a pipe.
/// </summary>
public sealed class ProgressView(TextWriter output, bool interactive)
{
    private TimeSpan _lastLineAt;
    private long _lastItems;
    private double _lastSeconds;
    private double _rate;
    private bool _barDrawn;

    public static ProgressView ForConsole() => new(Console.Out, !Console.IsOutputRedirected);

    public void Update(JobStatus status, TimeSpan elapsed)
    {
        var seconds = elapsed.TotalSeconds;
        if (seconds - _lastSeconds >= 0.5)
        {
            var instant = (status.ItemsCompleted - _lastItems) / (seconds - _lastSeconds);
            _rate = _rate == 0 ? instant : 0.5 * _rate + 0.5 * instant;
            _lastItems = status.ItemsCompleted;
            _lastSeconds = seconds;
        }
        var fraction = status.ItemsTotal == 0 ? 1 : (double)status.ItemsCompleted / status.ItemsTotal;
        var eta = _rate > 0 ? TimeSpan.FromSeconds((status.ItemsTotal - status.ItemsCompleted) / _rate) : (TimeSpan?)null;
        var etaText = eta is { } e ? Format(e) : "--:--";
        var nodes = Nodes(status);
        if (interactive)
        {
            const int width = 30;
            var filled = (int)Math.Round(fraction * width);
            output.Write($"\r[{new string('#', filled)}{new string('-', width - filled)}] {fraction,4:P0} " +
                         $"{status.ItemsCompleted:N0}/{status.ItemsTotal:N0} items  {_rate:N0} items/s  ETA {etaText}  nodes {nodes}   ");
            _barDrawn = true;
        }
        // At most a line a second, and always the last one: the job's end is never left out.
        else if (elapsed - _lastLineAt >= TimeSpan.FromSeconds(1) || status.State != JobPhase.Running)
        {
            _lastLineAt = elapsed;
            output.WriteLine($"progress: {status.ItemsCompleted}/{status.ItemsTotal} items ({fraction:P0}), {_rate:F0} items/s, ETA {etaText}, {(status.State == JobPhase.Running ? $"{nodes} active nodes" : $"ran on {nodes} nodes")}");
        }
    }

    /// <summary>
    /// The nodes working on the job; once it has ended none is, so it is the nodes that ran at least one of its batches
    /// (a finished job at 100% with "nodes 0" reads as if nothing ran it; a node that only asked for work ran none), as
    /// the dashboard counts them. A plain line says "ran on K nodes" then, not "K active nodes", which stays the count of
    /// nodes working right now (scripts and the multi-host specs read it so).
    /// </summary>
    public static int Nodes(JobStatus status) => status.State == JobPhase.Running ? status.ActiveNodes : status.Nodes.Count(n => n.Batches > 0);

    public void Finish()
    {
        if (_barDrawn) output.WriteLine();
    }

    /// <summary>m:ss, h:mm:ss, or whole days and hours once it is a day or more (a TimeSpan's "h" alone drops the days).</summary>
    private static string Format(TimeSpan t) => t.TotalDays >= 1
        ? $"{(long)t.TotalDays}d {t.Hours}h"
        : t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"m\:ss");
}
