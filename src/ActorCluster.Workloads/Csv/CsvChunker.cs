using ActorCluster.Abstractions;

namespace ActorCluster.Workloads.Csv;

/// <summary>
/// Cuts a CSV file into chunks of whole rows by one sequential pass over its bytes that tracks only the quote
/// state: every <c>"</c> toggles it (as Sep does, so <c>""</c> inside a quoted field toggles twice), and a
/// newline outside quotes ends a row. A quoted newline therefore never ends a chunk, wherever it falls.
/// The pass only counts: a buffer without quotes costs two vectorized counts, and newlines are located one by
/// one only where a chunk boundary falls. It also counts every newline, so each chunk knows the global line
/// number it starts on.
/// </summary>
public static class CsvChunker
{
    private const byte Quote = (byte)'"';
    private const byte Newline = (byte)'\n';
    private const int BufferBytes = 1 << 20;

    /// <param name="header">The first row is a header: the first chunk starts after it.</param>
    /// <param name="rowsPerChunk">Row ends per chunk.</param>
    /// <param name="maxChunks">More chunks than this is a <see cref="WorkloadArgumentException"/>.</param>
    public static CsvLayout Scan(Stream stream, bool header, long rowsPerChunk, int maxChunks, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerChunk, 1);
        var starts = new List<long>();
        var lines = new List<long>();
        if (!header)
        {
            starts.Add(0);
            lines.Add(1);
        }
        var headerPending = header;
        var inQuote = false;
        long line = 1, rows = 0, rowsInChunk = 0, rowStart = 0, rowStartLine = 1, position = 0;
        var buffer = new byte[BufferBytes];
        int read;
        while ((read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false)) > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            var span = buffer.AsSpan(0, read);
            var i = 0;
            while (i < read)
            {
                if (inQuote)
                {
                    var close = span[i..].IndexOf(Quote);
                    var quoted = close < 0 ? span[i..] : span.Slice(i, close);
                    line += quoted.Count(Newline);
                    if (close < 0) break;
                    i += close + 1;
                    inQuote = false;
                    continue;
                }
                var open = span[i..].IndexOf(Quote);
                var end = open < 0 ? read : i + open;
                var segment = span[i..end];
                var need = headerPending ? 1 : rowsPerChunk - rowsInChunk;
                var newlines = segment.Count(Newline);
                if (newlines < need)
                {
                    // No boundary here: the segment's row ends are only counted.
                    if (newlines > 0)
                    {
                        line += newlines;
                        rows += newlines;
                        rowsInChunk += newlines;
                        rowStart = position + i + segment.LastIndexOf(Newline) + 1;
                        rowStartLine = line;
                    }
                    if (open < 0) break;
                    i = end + 1;
                    inQuote = true;
                    continue;
                }
                // A boundary falls in this segment: walk to its newline, record it, and look again from there.
                var at = i;
                for (long n = 0; n < need; n++)
                    at += span[at..end].IndexOf(Newline) + 1;
                line += need;
                rowStart = position + at;
                rowStartLine = line;
                if (headerPending)
                    headerPending = false;
                else
                {
                    rows += need;
                    rowsInChunk = 0;
                    if (starts.Count >= maxChunks)
                        throw new WorkloadArgumentException($"csv: more than {maxChunks:N0} chunks of {rowsPerChunk:N0} rows; use a larger --chunk-size");
                }
                starts.Add(rowStart);
                lines.Add(line);
                i = at;
            }
            position += read;
        }

        if (headerPending)
        {
            if (inQuote) throw new WorkloadArgumentException("csv: the header row has an unterminated quote");
            starts.Add(position); // a header alone: one empty chunk, and no rows
            lines.Add(line);
            rowStart = position;
        }
        // An unterminated quote would swallow the rest of the file into one field: the chunks stop at the row
        // it opens in, and that row is reported malformed.
        var dataEnd = inQuote ? rowStart : position;
        while (starts.Count > 1 && starts[^1] >= dataEnd)
        {
            starts.RemoveAt(starts.Count - 1);
            lines.RemoveAt(lines.Count - 1);
        }
        if (!inQuote && dataEnd > rowStart)
            rows++; // the last row, without a final newline
        starts.Add(dataEnd);
        return new CsvLayout([.. starts], [.. lines], rows, position, inQuote ? rowStartLine : 0);
    }

    /// <summary>Average bytes per row over the first <paramref name="sampleBytes"/> of the file, for the chunk size.</summary>
    public static long EstimateRowBytes(Stream stream, int sampleBytes = BufferBytes)
    {
        var sample = new byte[sampleBytes];
        var read = stream.ReadAtLeast(sample, sample.Length, throwOnEndOfStream: false);
        if (read == 0) return 1;
        var layout = Scan(new MemoryStream(sample, 0, read, writable: false), header: false, long.MaxValue, int.MaxValue);
        // An open quote at the sample's end cuts the last row short; the rows before it are still a fair sample.
        var bytes = layout.Offsets[^1];
        return layout.Rows == 0 ? read : Math.Max(1, bytes / layout.Rows);
    }
}
