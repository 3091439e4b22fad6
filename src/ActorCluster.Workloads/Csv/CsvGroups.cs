using System.Text;
using ActorCluster.Core.Text;
using System.Text.Json.Nodes;

namespace ActorCluster.Workloads.Csv;

/// <summary>
/// Count and sums per key, plus the rows that could not be counted: what one batch of chunks produces and what
/// the job's aggregate is. Merging is exact and order-independent (see <see cref="CsvSum"/>), so any split of
/// the file over batches and nodes gives the same result. Its size is bounded: at most
/// <see cref="MaxResultBytes"/> of groups as report.json would show them, and the first
/// <see cref="MaxMalformedListed"/> malformed rows by line.
/// </summary>
internal sealed class CsvGroups
{
    public const int MaxMalformedListed = 100;

    /// <summary>The groups must fit in report.json and in one 16 MB message with everything else a status carries.</summary>
    public const long MaxResultBytes = 8L * 1024 * 1024;

    private const int Magic = 0x47565343; // "CSVG"

    private readonly int _sums;
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Group>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private List<CsvMalformedRow> _malformed = [];

    public CsvGroups(int sums)
    {
        _sums = sums;
        _bySpan = _groups.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Rows counted into a group.</summary>
    public long Rows { get; private set; }

    public long MalformedRows { get; private set; }

    /// <summary>Empty lines between rows: not rows, so neither counted nor malformed.</summary>
    public long BlankLines { get; private set; }

    /// <summary>Rows of keys that did not fit once the groups reached <see cref="MaxResultBytes"/> (only in a job's aggregate).</summary>
    public long RowsOverLimit { get; private set; }

    public int GroupCount => _groups.Count;

    /// <summary>About how many bytes the groups take in report.json.</summary>
    public long EstimatedBytes { get; private set; }

    public IReadOnlyList<CsvMalformedRow> Malformed => _malformed;

    /// <summary>Adds one good row; false (and nothing added) when a new key would take the groups past <see cref="MaxResultBytes"/>.</summary>
    public bool TryAdd(ReadOnlySpan<char> key, ReadOnlySpan<CsvSum> values)
    {
        if (!_bySpan.TryGetValue(key, out var group))
        {
            if (!TryCreate(key.ToString(), out group)) return false;
        }
        group.Count++;
        for (var i = 0; i < values.Length; i++)
            group.Sums[i].Add(values[i]);
        Rows++;
        return true;
    }

    public void AddBlankLine() => BlankLines++;

    /// <summary>Counts a row left out; the first <see cref="MaxMalformedListed"/> are listed with the start of their text.</summary>
    public void AddMalformed(long line, string reason, ReadOnlySpan<char> text)
    {
        MalformedRows++;
        if (_malformed.Count < MaxMalformedListed)
            _malformed.Add(new CsvMalformedRow(line, reason, Echo.Shorten(text.ToString(), 200)));
    }

    /// <summary>Adds another batch's groups. Keys that no longer fit are tallied in <see cref="RowsOverLimit"/>, never dropped unseen.</summary>
    public void Merge(CsvGroups other)
    {
        foreach (var (key, theirs) in other._groups)
        {
            if (!_groups.TryGetValue(key, out var group) && !TryCreate(key, out group))
            {
                RowsOverLimit += theirs.Count;
                continue;
            }
            group.Count += theirs.Count;
            for (var i = 0; i < _sums; i++)
                group.Sums[i].Add(theirs.Sums[i]);
        }
        Rows += other.Rows;
        MalformedRows += other.MalformedRows;
        BlankLines += other.BlankLines;
        RowsOverLimit += other.RowsOverLimit;
        _malformed = _malformed.Concat(other._malformed).OrderBy(m => m.Line).Take(MaxMalformedListed).ToList();
    }

    private bool TryCreate(string key, out Group group)
    {
        var bytes = key.Length + 48 + 32L * _sums;
        if (EstimatedBytes + bytes > MaxResultBytes)
        {
            group = null!;
            return false;
        }
        EstimatedBytes += bytes;
        group = new Group(_sums);
        _groups.Add(key, group);
        return true;
    }

    public JsonObject ToJson(CsvColumn groupBy, IReadOnlyList<CsvColumn> sums)
    {
        var groups = new JsonObject();
        foreach (var (key, group) in _groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var values = new JsonObject();
            for (var i = 0; i < _sums; i++)
                values[sums[i].Label] = group.Sums[i].ToJson();
            groups[key] = new JsonObject { ["count"] = group.Count, ["sums"] = values };
        }
        var malformed = new JsonArray();
        foreach (var row in _malformed)
            malformed.Add(new JsonObject { ["line"] = row.Line, ["reason"] = row.Reason, ["text"] = row.Text });
        var json = new JsonObject
        {
            ["groupBy"] = groupBy.Label,
            ["sumColumns"] = new JsonArray(sums.Select(s => (JsonNode)JsonValue.Create(s.Label)!).ToArray()),
            ["rows"] = Rows,
            ["groupCount"] = _groups.Count,
            ["groups"] = groups,
            ["malformedRows"] = MalformedRows,
            ["malformed"] = malformed,
            ["blankLines"] = BlankLines,
        };
        if (RowsOverLimit > 0)
        {
            json["rowsOverGroupLimit"] = RowsOverLimit;
            json["error"] = $"more distinct keys than fit in {MaxResultBytes / (1024 * 1024)} MB of results: {RowsOverLimit:N0} rows of later keys are not in groups";
        }
        return json;
    }

    public byte[] Encode()
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Rows);
            writer.Write(MalformedRows);
            writer.Write(BlankLines);
            writer.Write(RowsOverLimit);
            writer.Write(_malformed.Count);
            foreach (var row in _malformed)
            {
                writer.Write(row.Line);
                writer.Write(row.Reason);
                writer.Write(row.Text);
            }
            writer.Write(_groups.Count);
            foreach (var (key, group) in _groups)
            {
                writer.Write(key);
                writer.Write(group.Count);
                foreach (var sum in group.Sums)
                    sum.Write(writer);
            }
        }
        return memory.ToArray();
    }

    /// <summary>Reads what <see cref="Encode"/> wrote, for <paramref name="sums"/> sum columns; damage is an <see cref="InvalidDataException"/>.</summary>
    public static CsvGroups Decode(ReadOnlySpan<byte> bytes, int sums)
    {
        var groups = new CsvGroups(sums);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes.ToArray(), writable: false), Encoding.UTF8);
            if (reader.ReadInt32() != Magic) throw new InvalidDataException("not csv groups");
            groups.Rows = reader.ReadInt64();
            groups.MalformedRows = reader.ReadInt64();
            groups.BlankLines = reader.ReadInt64();
            groups.RowsOverLimit = reader.ReadInt64();
            var listed = reader.ReadInt32();
            if (listed is < 0 or > MaxMalformedListed) throw new InvalidDataException($"{listed} malformed rows listed");
            for (var i = 0; i < listed; i++)
                groups._malformed.Add(new CsvMalformedRow(reader.ReadInt64(), reader.ReadString(), reader.ReadString()));
            var count = reader.ReadInt32();
            // A group takes at least 1 + 8 + 29 bytes per sum: a count the rest cannot hold is damage.
            if (count < 0 || (long)count * (9 + 29L * sums) > reader.BaseStream.Length - reader.BaseStream.Position)
                throw new InvalidDataException($"{count} groups");
            for (var i = 0; i < count; i++)
            {
                var key = reader.ReadString();
                var group = new Group(sums) { Count = reader.ReadInt64() };
                for (var s = 0; s < sums; s++)
                    group.Sums[s] = CsvSum.Read(reader);
                if (!groups._groups.TryAdd(key, group)) throw new InvalidDataException("a key twice");
                groups.EstimatedBytes += key.Length + 48 + 32L * sums;
            }
            if (reader.BaseStream.Position != reader.BaseStream.Length) throw new InvalidDataException("trailing bytes");
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or IOException)
        {
            throw new InvalidDataException($"csv: damaged partial result ({e.Message})", e);
        }
        return groups;
    }

    private sealed class Group(int sums)
    {
        public long Count;
        public readonly CsvSum[] Sums = new CsvSum[sums];
    }
}
