using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorCluster.Bench;

/// <summary>One runner on one scenario: a line of the table.</summary>
public sealed record BenchRow
{
    public required string Section { get; init; }
    public required string Scenario { get; init; }
    public required string Runner { get; init; }
    public required long Items { get; init; }

    /// <summary>The makespan the table uses: wall time for in-process baselines, the coordinator's job duration for ActorCluster.</summary>
    public required double Seconds { get; init; }

    /// <summary>For ActorCluster: wall time from submit until the client saw Completed (pushed to it by the coordinator).</summary>
    public double? WallSeconds { get; init; }

    public double ItemsPerSecond => Seconds > 0 ? Items / Seconds : 0;

    /// <summary>Throughput relative to Parallel.ForEach on the same items in the same run.</summary>
    public double? RatioToParallelForEach { get; init; }

    /// <summary>Makespan / max(W/P, longest item); 1.0 is a perfect schedule.</summary>
    public double? MakespanOverLowerBound { get; init; }

    public required bool Correct { get; init; }

    public string Digest { get; init; } = "";

    public string? Note { get; init; }
}

public sealed record TargetResult(string Target, string Requirement, string Measured, bool? Met, string? Note = null);

public sealed record MachineInfo(
    string Cpu, int LogicalCores, long MemoryBytes, string Os, string Runtime, string LoadAverageAtStart, string LoadAverageAtEnd,
    double BenchProcessSpinIterationsPerUs);

public sealed record BenchResults
{
    public required string Mode { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required double TotalSeconds { get; init; }
    public required MachineInfo Machine { get; init; }
    public required int Workers { get; init; }
    public required IReadOnlyList<BenchRow> Rows { get; init; }
    public required IReadOnlyList<TargetResult> Targets { get; init; }

    /// <summary>Named measurements that are not throughput rows (hand-out rate, bytes per batch, RSS, latency).</summary>
    public required IReadOnlyDictionary<string, double> Measurements { get; init; }

    public required IReadOnlyList<string> Notes { get; init; }

    public required IReadOnlyList<string> Failures { get; init; }
}

/// <summary>Renders the results as a console table, a markdown table (for the README) and bench.json.</summary>
public static class BenchWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string ToJson(BenchResults result) => JsonSerializer.Serialize(result, Json);

    public static BenchResults FromJson(string json) => JsonSerializer.Deserialize<BenchResults>(json, Json)!;

    private static readonly string[] Header = ["scenario", "runner", "items", "items/s", "x P.ForEach", "makespan/LB", "time s", "wall s", "ok"];

    private static string[] Cells(BenchRow r) =>
    [
        r.Scenario,
        r.Runner,
        r.Items.ToString("N0", CultureInfo.InvariantCulture),
        FormatRate(r.ItemsPerSecond),
        r.RatioToParallelForEach is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "",
        r.MakespanOverLowerBound is { } lb ? lb.ToString("0.00", CultureInfo.InvariantCulture) : "",
        r.Seconds.ToString("0.000", CultureInfo.InvariantCulture),
        r.WallSeconds is { } w ? w.ToString("0.000", CultureInfo.InvariantCulture) : "",
        r.Correct ? "yes" : "WRONG",
    ];

    public static string FormatRate(double perSecond) => perSecond switch
    {
        >= 1e6 => (perSecond / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " M",
        >= 1e3 => (perSecond / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + " k",
        _ => perSecond.ToString("0", CultureInfo.InvariantCulture),
    };

    /// <summary>A fixed-width table for the console.</summary>
    public static string Table(IReadOnlyList<BenchRow> rows)
    {
        var all = new List<string[]> { Header };
        all.AddRange(rows.Select(Cells));
        var widths = Enumerable.Range(0, Header.Length).Select(c => all.Max(r => r[c].Length)).ToArray();
        var sb = new StringBuilder();
        string? section = null;
        for (var i = 0; i < all.Count; i++)
        {
            if (i > 0 && rows[i - 1].Section != section)
            {
                section = rows[i - 1].Section;
                sb.AppendLine($"-- {section}");
            }
            var cells = all[i];
            for (var c = 0; c < cells.Length; c++)
            {
                var numeric = c >= 2;
                sb.Append(numeric ? cells[c].PadLeft(widths[c]) : cells[c].PadRight(widths[c]));
                sb.Append(c == cells.Length - 1 ? "" : "  ");
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>The same table in markdown, with the targets and the machine, for the README.</summary>
    public static string Markdown(BenchResults result)
    {
        var sb = new StringBuilder();
        var m = result.Machine;
        sb.AppendLine($"`actorcluster bench{(result.Mode == "quick" ? " --quick" : "")}` — {result.StartedAt:yyyy-MM-dd HH:mm} UTC, {result.TotalSeconds:0} s; " +
                      $"{m.Cpu}, {m.LogicalCores} logical cores, {m.MemoryBytes / (1L << 30)} GB, {m.Os}, .NET {m.Runtime}; " +
                      $"load average at start {m.LoadAverageAtStart}, at end {m.LoadAverageAtEnd}; P = {result.Workers} workers.");
        sb.AppendLine();
        sb.AppendLine("| " + string.Join(" | ", Header) + " |");
        sb.AppendLine("|" + string.Join("|", Header.Select((_, c) => c >= 2 ? "---:" : "---")) + "|");
        string? section = null;
        foreach (var r in result.Rows)
        {
            if (r.Section != section)
            {
                section = r.Section;
                sb.AppendLine($"| **{Escape(section)}** |" + string.Concat(Enumerable.Repeat(" |", Header.Length - 1)));
            }
            sb.AppendLine("| " + string.Join(" | ", Cells(r).Select(Escape)) + " |");
        }
        sb.AppendLine();
        sb.AppendLine("| target | requirement | measured | met |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var t in result.Targets)
            sb.AppendLine($"| {Escape(t.Target)} | {Escape(t.Requirement)} | {Escape(t.Measured)} | {(t.Met switch { true => "yes", false => "**no**", null => "n/a" })} |");
        return sb.ToString();
    }

    public static string TargetsText(IReadOnlyList<TargetResult> targets)
    {
        var sb = new StringBuilder();
        foreach (var t in targets)
        {
            var verdict = t.Met switch { true => "MET   ", false => "MISSED", null => "n/a   " };
            sb.AppendLine($"  [{verdict}] {t.Target}: {t.Measured} (need {t.Requirement}){(t.Note is null ? "" : " — " + t.Note)}");
        }
        return sb.ToString();
    }

    private static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal);
}
