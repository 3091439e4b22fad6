using System.Globalization;
using System.Text;

namespace ActorCluster.Tests.Shared;

/// <summary>
/// Writes CSV files for the csv workload's tests: columns id, key, qty, price, note; keys skewed (a few keys
/// hold most rows); fields quoted as RFC 4180 says when they hold the delimiter, a quote or a newline. The writer
/// keeps its own exact tally per key (long qty, decimal price), a second reference next to sqlite's.
/// </summary>
public sealed class CsvTestData
{
    public static readonly string[] Columns = ["id", "key", "qty", "price", "note"];

    private static readonly string[] TrickyKeys =
    [
        "comma, inside", "say \"hi\"", "two\nlines", "Zürich", "", "semi;colon", "\"\"", "end\n",
    ];

    private static readonly string[] TrickyNotes =
    [
        "plain", "a, b, c", "he said \"no\"", "first line\nsecond line", "x\n1,2,3,4,5", "trailing quote\"", "ünïcödé ✓", "\"quoted\", then more",
    ];

    private readonly Stream _out;
    private readonly Encoding _utf8 = new UTF8Encoding(false);
    private readonly byte[] _bytes = new byte[1 << 16];

    public CsvTestData(Stream output, char delimiter = ',', string newline = "\n")
    {
        _out = output;
        Delimiter = delimiter;
        Newline = newline;
    }

    public char Delimiter { get; }
    public string Newline { get; }

    /// <summary>Byte offset where each data row starts (and the header at 0 when written).</summary>
    public List<long> RowStarts { get; } = [];

    /// <summary>Line (1-based) each data row starts on.</summary>
    public List<long> RowLines { get; } = [];

    public Dictionary<string, (long Count, long Qty, decimal Price)> Expected { get; } = new(StringComparer.Ordinal);

    public long Position { get; private set; }
    public long Line { get; private set; } = 1;

    /// <summary>Writes a whole file: optional header, then <paramref name="rows"/> rows from <paramref name="seed"/>.</summary>
    public static CsvTestData WriteFile(string path, long rows, int seed, bool header = true, bool tricky = true, char delimiter = ',',
        string newline = "\n", int keys = 200, bool trackRows = true)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var data = new CsvTestData(file, delimiter, newline) { TrackRows = trackRows };
        if (header) data.WriteHeader();
        var random = new Random(seed);
        for (long i = 0; i < rows; i++)
            data.WriteRandomRow(random, i, tricky, keys);
        return data;
    }

    /// <summary>Keep <see cref="RowStarts"/>, <see cref="RowLines"/> and <see cref="Line"/>; off for big files.</summary>
    public bool TrackRows { get; init; } = true;

    public void WriteHeader() => WriteRaw(string.Join(Delimiter, Columns) + Newline);

    public void WriteRandomRow(Random random, long id, bool tricky, int keys)
    {
        var u = random.NextDouble();
        var key = tricky && random.Next(10) == 0
            ? TrickyKeys[random.Next(TrickyKeys.Length)]
            : "k" + ((int)(keys * u * u * u)).ToString("D4", CultureInfo.InvariantCulture);
        // Now and then a qty near 10^14, so integer sums pass 2^53 where a double would round.
        long qty = random.Next(50) == 0 ? 100_000_000_000_001L + random.Next(1000) : random.Next(-1000, 100_000);
        var cents = random.NextInt64(-100_000, 10_000_000);
        var price = cents / 100m;
        var priceText = random.Next(100) == 0
            ? (cents / 100.0).ToString("0.####E+0", CultureInfo.InvariantCulture) // exponent form, as sqlite reads it
            : price.ToString("0.00", CultureInfo.InvariantCulture);
        if (priceText.Contains('E')) price = decimal.Parse(priceText, NumberStyles.Float, CultureInfo.InvariantCulture);
        var note = tricky ? TrickyNotes[random.Next(TrickyNotes.Length)] : "n" + random.Next(1000).ToString(CultureInfo.InvariantCulture);
        WriteRow(id.ToString(CultureInfo.InvariantCulture), key, qty.ToString(CultureInfo.InvariantCulture), priceText, note);
        Expected.TryGetValue(key, out var tally);
        Expected[key] = (tally.Count + 1, tally.Qty + qty, tally.Price + price);
    }

    /// <summary>Writes one row of fields, quoting those that need it; returns the offset it started at.</summary>
    public long WriteRow(params string[] fields) => WriteRaw(string.Join(Delimiter, fields.Select(Quote)) + Newline, isRow: true);

    public long WriteRaw(string text, bool isRow = false)
    {
        var start = Position;
        if (isRow && TrackRows)
        {
            RowStarts.Add(start);
            RowLines.Add(Line);
        }
        var count = _utf8.GetByteCount(text);
        var bytes = count <= _bytes.Length ? _bytes : new byte[count];
        _utf8.GetBytes(text, bytes);
        _out.Write(bytes, 0, count);
        Position += count;
        if (TrackRows)
            Line += text.AsSpan().Count('\n');
        return start;
    }

    public string Quote(string field) =>
        field.IndexOfAny([Delimiter, '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
