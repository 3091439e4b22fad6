using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// A strict reader of the Prometheus text exposition format (version 0.0.4): every line is a # HELP / # TYPE comment or a
/// sample <c>name{label="value",...} number</c>, and every sample belongs to a family whose TYPE came before it.
/// </summary>
public static partial class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    [GeneratedRegex("""^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?""")]
    private static partial Regex LabelPair();

    [GeneratedRegex("""^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*)( .*)?$""")]
    private static partial Regex Comment();

    public static List<Sample> Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                if (line.StartsWith("# EOF", StringComparison.Ordinal)) continue;
                var comment = Comment().Match(line);
                if (!comment.Success) throw new FormatException($"not a HELP or TYPE line: {line}");
                if (comment.Groups[1].Value == "TYPE")
                {
                    var type = comment.Groups[3].Value.Trim();
                    if (type is not ("counter" or "gauge" or "histogram" or "summary" or "untyped")) throw new FormatException($"unknown type: {line}");
                    types[comment.Groups[2].Value] = type;
                }
                continue;
            }
            var match = SampleLine().Match(line);
            if (!match.Success) throw new FormatException($"not a sample line: {line}");
            var name = match.Groups[1].Value;
            var family = types.Keys.FirstOrDefault(f => name == f || name.StartsWith(f + "_", StringComparison.Ordinal) &&
                                                        name[(f.Length + 1)..] is "total" or "bucket" or "sum" or "count" or "created");
            if (family is null) throw new FormatException($"sample before its TYPE: {line}");
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var labelText = match.Groups[3].Value;
            var consumed = 0;
            foreach (Match pair in LabelPair().Matches(labelText))
            {
                if (pair.Index != consumed) throw new FormatException($"bad labels: {line}");
                labels[pair.Groups[1].Value] = pair.Groups[2].Value.Replace("\\\"", "\"").Replace("\\n", "\n").Replace("\\\\", "\\");
                consumed = pair.Index + pair.Length;
            }
            if (consumed != labelText.Length) throw new FormatException($"bad labels: {line}");
            var raw = match.Groups[4].Value;
            var value = raw switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            samples.Add(new Sample(name, labels, value));
        }
        return samples;
    }
}
