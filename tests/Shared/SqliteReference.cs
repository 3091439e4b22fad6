using System.Diagnostics;
using System.Text.Json;

namespace ActorCluster.Tests.Shared;

/// <summary>
/// The independent check of the csv workload: the same group-by run by the sqlite3 shell over the same file
/// (<c>.import</c> into a table, then <c>SELECT key, COUNT(*), SUM(col)... GROUP BY key</c>).
/// </summary>
public static class SqliteReference
{
    public const string Shell = "/usr/bin/sqlite3";

    public static bool Available => File.Exists(Shell);

    /// <summary>One group as sqlite sums it: integer sums exactly, others as doubles printed with 17 digits.</summary>
    public sealed record Group(long Count, object?[] Sums, string[] Types);

    public static Dictionary<string, Group> GroupBy(string path, int fields, int keyColumn, int[] sumColumns, bool header, char delimiter = ',')
    {
        var columns = string.Join(", ", Enumerable.Range(0, fields).Select(i => $"c{i}"));
        var select = string.Join(", ", sumColumns.Select((c, i) => $"SUM(c{c}) AS s{i}, printf('%.17g', SUM(c{c})) AS r{i}, typeof(SUM(c{c})) AS t{i}"));
        var separator = delimiter == '\t' ? "\\t" : delimiter.ToString();
        var script = $"""
            CREATE TABLE t({columns});
            .mode csv
            .separator "{separator}"
            .import {(header ? "--skip 1 " : "")}'{path.Replace("'", "''")}' t
            .mode json
            SELECT c{keyColumn} AS k, COUNT(*) AS n, {select} FROM t GROUP BY c{keyColumn};
            """;
        var start = new ProcessStartInfo(Shell, ["-batch", ":memory:"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill();
            throw new TimeoutException("sqlite3 took more than 120 s");
        }
        if (process.ExitCode != 0 || errors.Result.Length > 0)
            throw new InvalidOperationException($"sqlite3 failed ({process.ExitCode}): {errors.Result}");
        var groups = new Dictionary<string, Group>(StringComparer.Ordinal);
        if (output.Trim().Length == 0) return groups;
        foreach (var row in JsonDocument.Parse(output).RootElement.EnumerateArray())
        {
            var sums = new object?[sumColumns.Length];
            var types = new string[sumColumns.Length];
            for (var i = 0; i < sumColumns.Length; i++)
            {
                types[i] = row.GetProperty($"t{i}").GetString()!;
                sums[i] = types[i] == "integer" ? (object)row.GetProperty($"s{i}").GetInt64() : double.Parse(row.GetProperty($"r{i}").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            }
            groups.Add(row.GetProperty("k").GetString() ?? "", new Group(row.GetProperty("n").GetInt64(), sums, types));
        }
        return groups;
    }
}
