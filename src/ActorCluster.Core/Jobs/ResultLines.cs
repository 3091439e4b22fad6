using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorCluster.Core.Jobs;

/// <summary>
/// Turns a job's stored record blocks into the lines of <c>results.jsonl</c>: one line per item in item order,
/// each the workload's JSON object with the item's index first (<c>{"item":12,...}</c>; a workload's own
/// <c>item</c> field would clash, so workloads do not use that name). A block stored twice for overlapping
/// items (a batch re-run after a coordinator failover, split differently) yields each item once.
/// </summary>
public static class ResultLines
{
    /// <summary>
    /// The lines of items from <paramref name="fromItem"/> on that <paramref name="blocks"/> (start order) hold, whole
    /// blocks only and no more once <paramref name="maxChars"/> are reached, and the next item to ask for (past every
    /// block read, so items no block holds, e.g. of a cancelled job, are skipped).
    /// </summary>
    public static (List<string> Lines, long Next) From(IReadOnlyList<StoredRecords> blocks, long fromItem, long maxChars = long.MaxValue)
    {
        var lines = new List<string>();
        var next = fromItem;
        long chars = 0;
        foreach (var block in blocks)
        {
            if (chars >= maxChars) break;
            if (block.Start + block.Count <= next) continue;
            var records = RecordBlock.Decode(block.Block, block.Count);
            for (var i = 0; i < records.Length; i++)
            {
                var item = block.Start + i;
                if (item < next) continue;
                var line = Line(item, records[i]);
                lines.Add(line);
                chars += line.Length;
            }
            next = block.Start + block.Count;
        }
        return (lines, next);
    }

    /// <summary>The record with the item's index spliced in; a record that is not a JSON object is kept as a string under <c>record</c>.</summary>
    public static string Line(long item, string record)
    {
        var index = item.ToString(CultureInfo.InvariantCulture);
        var text = record.Trim();
        if (text.Contains('\n') || text.Contains('\r'))
            text = Compact(text);
        if (text.Length >= 2 && text[0] == '{' && text[^1] == '}')
        {
            var inner = text[1..^1].Trim();
            return inner.Length == 0 ? $"{{\"item\":{index}}}" : $"{{\"item\":{index},{inner}}}";
        }
        return $"{{\"item\":{index},\"record\":{JsonSerializer.Serialize(record)}}}";
    }

    /// <summary>A pretty-printed object on one line; anything that is not a JSON object comes back as it was.</summary>
    private static string Compact(string text)
    {
        try
        {
            return JsonNode.Parse(text) is JsonObject o ? o.ToJsonString() : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
