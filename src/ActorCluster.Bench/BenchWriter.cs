using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorCluster.Bench;

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
        sb.AppendLine($"`actorcluster-bench{(result.Mode == "quick" ? " --quick" : "")}` — {result.StartedAt:yyyy-MM-dd HH:mm} UTC, {result.TotalSeconds:0} s; " +
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
