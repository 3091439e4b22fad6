using System.Globalization;
using ActorCluster.Abstractions;
using ActorCluster.Core.Profiling;
using ActorCluster.Core.Text;
using Microsoft.Win32.SafeHandles;
using nietras.SeparatedValues;

namespace ActorCluster.Workloads.Csv;

/// <summary>
/// <c>csv</c>: a group-by of a large CSV file: per distinct value of one column, the row count and the sums of
/// other columns. The file is cut into chunks of whole rows once, at Prepare (<see cref="CsvChunker"/>); the
/// chunks are the items, and the boundaries travel in the job's manifest, so no other node scans the file.
/// Rows are parsed by Sep. Rows that cannot be counted are counted as malformed and the first 100 are listed
/// with their line numbers.
/// </summary>
public sealed class CsvWorkload : IWorkload
{
    public const int MaxChunks = 100_000;
    public const int MaxSumColumns = 64;
    public const int MaxChunkRows = 100_000_000;

    /// <summary>Longer keys are malformed rows: a key is repeated in every partial result and in report.json.</summary>
    public const int MaxKeyChars = 1024;

    public string Name => "csv";

    private static readonly WorkloadOption<string> PathOption = WorkloadOption.Text("path", "FILE", "the CSV file; every node must see it at the same path");
    private static readonly WorkloadOption<string> GroupBy = WorkloadOption.Text("group-by", "COL", "the column whose values are the groups: a header name (with --header) or a 0-based index");
    private static readonly WorkloadOption<string> Sum = WorkloadOption.Text("sum", "COL[,COL...]", "the numeric columns summed per group, names or 0-based indexes");
    private static readonly WorkloadOption<string> Delimiter = WorkloadOption.Text("delimiter", "C", "the field delimiter: one character, or 'tab'", ",");
    private static readonly WorkloadOption<bool> Header = WorkloadOption.Flag("header", "the first row names the columns and is not data");
    private static readonly WorkloadOption<int> ChunkSize = WorkloadOption.Int32("chunk-size", "ROWS", "rows per chunk (a chunk is an item)",
        1, MaxChunkRows, "the sweep policy's: 5% of available memory / row size, 10,000 to 500,000");

    public string Description => "group-by of a CSV file: row count and column sums per key, chunked at row boundaries";

    public IReadOnlyList<WorkloadOption> Options => [PathOption, GroupBy, Sum, Delimiter, Header, ChunkSize];

    public IWorkloadJob Prepare(IReadOnlyList<string> args)
    {
        var settings = Parse(args);
        var path = settings.Path;
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new WorkloadArgumentException(Directory.Exists(path)
                ? $"csv: {Echo.Shorten(path)} is a directory, not a file"
                : $"csv: no such file: {Echo.Shorten(path)}");
        if (info.Length == 0)
            throw new WorkloadArgumentException($"csv: {Echo.Shorten(path)} is empty");
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);
            var (fields, names) = FirstRow(file.SafeFileHandle, Math.Min(info.Length, FirstRowBytes), settings.Delimiter);
            var header = settings.Header ? names : null;
            var group = ResolveColumn(settings.GroupBy, header, fields, "--group-by");
            var sums = settings.Sums.Select(s => ResolveColumn(s, header, fields, "--sum")).ToArray();
            var twice = sums.GroupBy(s => s.Index).FirstOrDefault(g => g.Count() > 1);
            if (twice is not null)
                throw new WorkloadArgumentException($"csv: --sum names column {Echo.Shorten(twice.First().Label)} twice");
            long rowsPerChunk = settings.ChunkRows;
            if (rowsPerChunk == 0)
            {
                file.Position = 0;
                rowsPerChunk = PolicyRows(new ResourceDetector().Detect(), CsvChunker.EstimateRowBytes(file));
            }
            file.Position = 0;
            var layout = CsvChunker.Scan(file, settings.Header, rowsPerChunk, MaxChunks);
            if (layout.Rows == 0 && layout.UnterminatedLine == 0)
                throw new WorkloadArgumentException($"csv: {Echo.Shorten(path)} has {(settings.Header ? "a header but " : "")}no rows");
            var manifest = new CsvManifest(info.Length, info.LastWriteTimeUtc.Ticks, settings.Delimiter, settings.Header, fields, group, sums, layout);
            return new CsvJob(path, manifest, manifest.Encode());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WorkloadArgumentException($"csv: cannot read {Echo.Shorten(path)}: {e.Message}");
        }
    }

    public IWorkloadJob Open(IReadOnlyList<string> args, ReadOnlyMemory<byte> manifest)
    {
        var settings = Parse(args);
        var fixedAtStart = CsvManifest.Decode(manifest);
        if (fixedAtStart.Delimiter != settings.Delimiter || fixedAtStart.Header != settings.Header)
            throw new WorkloadArgumentException("csv: the job's manifest does not match its arguments");
        var info = new FileInfo(settings.Path);
        if (!info.Exists)
            throw new WorkloadArgumentException($"csv: no such file on this node: {Echo.Shorten(settings.Path)}");
        if (info.Length != fixedAtStart.FileSize || info.LastWriteTimeUtc.Ticks != fixedAtStart.ModifiedUtcTicks)
            throw new WorkloadArgumentException(
                $"csv: {Echo.Shorten(settings.Path)} changed since the job started ({fixedAtStart.FileSize:N0} bytes then, {info.Length:N0} now)");
        return new CsvJob(settings.Path, fixedAtStart, manifest.ToArray());
    }

    /// <summary>The sweep policy's chunk: 5% of available memory divided by the row size, 10,000 to 500,000 rows.</summary>
    public static long PolicyRows(ResourceSnapshot snapshot, long bytesPerRow) =>
        WorkerPolicies.Sweep(snapshot, new WorkloadTraits(WorkloadKind.CpuBound) { BytesPerRow = bytesPerRow }).ChunkSize
        ?? WorkerPolicies.MinChunk;

    private sealed record Settings(string Path, string GroupBy, string[] Sums, char Delimiter, bool Header, long ChunkRows);

    private Settings Parse(IReadOnlyList<string> args)
    {
        var parsed = new WorkloadArguments(Name, args);
        var path = parsed.Get(PathOption);
        var groupBy = parsed.Get(GroupBy);
        var sum = parsed.Get(Sum);
        var delimiter = parsed.Get(Delimiter);
        var header = parsed.Get(Header);
        var chunkRows = parsed.Get(ChunkSize, whenAbsent: 0);
        parsed.RejectUnknown();
        if (path.Length == 0)
            throw new WorkloadArgumentException("csv: --path must name a file");
        var sums = sum.Split(',');
        if (sums.Any(s => s.Length == 0))
            throw new WorkloadArgumentException($"csv: --sum must be column names or indexes separated by commas, got '{Echo.Shorten(sum)}'");
        if (sums.Length > MaxSumColumns)
            throw new WorkloadArgumentException($"csv: --sum names {sums.Length} columns; at most {MaxSumColumns}");
        var c = delimiter switch
        {
            "tab" or "\\t" => '\t',
            { Length: 1 } when delimiter[0] is not ('"' or '\n' or '\r') => delimiter[0],
            _ => throw new WorkloadArgumentException($"csv: --delimiter must be one character other than a quote or a newline, or 'tab'; got '{Echo.Shorten(delimiter)}'"),
        };
        return new Settings(path, groupBy, sums, c, header, chunkRows);
    }

    /// <summary>The first row is read from this much of the file at most, so a quote that never closes cannot make it the whole file.</summary>
    private const long FirstRowBytes = 4L * 1024 * 1024;

    /// <summary>The first row's field count, and its fields as column names (used only with --header).</summary>
    private static (int Fields, string[] Names) FirstRow(SafeFileHandle file, long bytes, char delimiter)
    {
        using var reader = new Sep(delimiter).Reader(o => o with { HasHeader = false, Unescape = true, DisableColCountCheck = true })
            .From(new FileSlice(file, 0, bytes));
        if (!reader.MoveNext())
            return (0, []);
        var row = reader.Current;
        var names = new string[row.ColCount];
        for (var i = 0; i < names.Length; i++)
            names[i] = row[i].ToString();
        return (row.ColCount, names);
    }

    internal static CsvColumn ResolveColumn(string column, string[]? header, int fields, string option)
    {
        if (header is not null)
        {
            var named = Array.IndexOf(header, column);
            if (named >= 0) return new CsvColumn(named, column);
        }
        if (int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < fields)
            return new CsvColumn(index, header is not null ? header[index] : column);
        var known = header is not null
            ? $"the header has {Echo.Shorten(string.Join(", ", header), 200)}"
            : $"without --header a column is a 0-based index below {fields}";
        throw new WorkloadArgumentException($"csv: unknown column '{Echo.Shorten(column)}' in {option} ({known})");
    }
}
