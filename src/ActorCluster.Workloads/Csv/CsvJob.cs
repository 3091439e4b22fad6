using System.Text;
using ActorCluster.Abstractions;
using ActorCluster.Core.Text;
using nietras.SeparatedValues;

namespace ActorCluster.Workloads.Csv;

/// <summary>A csv job: item i is chunk i of the manifest's layout; a batch's partial result is its chunks' <see cref="CsvGroups"/>.</summary>
internal sealed class CsvJob(string path, CsvManifest manifest, byte[] encoded) : IWorkloadJob
{
    private readonly long[] _sizes = Enumerable.Range(0, manifest.Layout.ChunkCount).Select(c => manifest.Layout.ChunkBytes(c)).ToArray();

    public long ItemCount => manifest.Layout.ChunkCount;

    public WorkloadKind Kind => WorkloadKind.CpuBound;

    /// <summary>A chunk streams through the reader; what stays is one batch's groups, bounded by <see cref="CsvGroups.MaxResultBytes"/>.</summary>
    public long MemoryPerItemBytes => 4 * CsvGroups.MaxResultBytes;

    public ReadOnlyMemory<byte> Manifest => encoded;

    public IReadOnlyList<long> ItemSizes => _sizes;

    public BatchOutput Execute(ItemRange range, CancellationToken cancellation)
    {
        var groups = new CsvGroups(manifest.Sums.Length);
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.SequentialScan);
        if (RandomAccess.GetLength(file) != manifest.FileSize)
            throw new IOException($"csv: {Echo.Shorten(path)} changed since the job started ({manifest.FileSize:N0} bytes then, {RandomAccess.GetLength(file):N0} now)");
        for (var chunk = (int)range.Start; chunk < range.End; chunk++)
        {
            RunChunk(file, chunk, groups, cancellation);
            if (chunk == manifest.Layout.ChunkCount - 1 && manifest.Layout.UnterminatedLine > 0)
                groups.AddMalformed(manifest.Layout.UnterminatedLine, "unterminated quote: the rest of the file would be one field",
                    TextAt(file, manifest.Layout.Offsets[^1]));
        }
        return groups.Encode();
    }

    private void RunChunk(Microsoft.Win32.SafeHandles.SafeFileHandle file, int chunk, CsvGroups groups, CancellationToken cancellation)
    {
        var layout = manifest.Layout;
        var sums = manifest.Sums;
        var values = new CsvSum[sums.Length];
        var firstLine = layout.Lines[chunk];
        using var reader = new Sep(manifest.Delimiter)
            .Reader(o => o with { HasHeader = false, Unescape = true, DisableColCountCheck = true })
            .From(new FileSlice(file, layout.Offsets[chunk], layout.Offsets[chunk + 1]));
        // Sep's LineNumberFrom is off on a reader's first row; the previous row's end is every row's start.
        var lineInChunk = 1;
        var rows = 0;
        foreach (var row in reader)
        {
            if ((++rows & 4095) == 0)
                cancellation.ThrowIfCancellationRequested();
            var line = firstLine + lineInChunk - 1;
            lineInChunk = row.LineNumberToExcl;
            if (row.ColCount != manifest.FieldCount)
            {
                if (row.Span.IsEmpty)
                    groups.AddBlankLine();
                else
                    groups.AddMalformed(line, $"expected {manifest.FieldCount} fields, got {row.ColCount}", row.Span);
                continue;
            }
            var key = row[manifest.Group.Index].Span;
            if (key.Length > CsvWorkload.MaxKeyChars)
            {
                groups.AddMalformed(line, $"{manifest.Group.Label} is longer than {CsvWorkload.MaxKeyChars} characters", row.Span);
                continue;
            }
            var good = true;
            for (var i = 0; i < sums.Length && good; i++)
            {
                var field = row[sums[i].Index].Span;
                if (!CsvSum.TryParse(field, out values[i]))
                {
                    good = false;
                    var shown = Echo.Shorten(field.ToString());
                    groups.AddMalformed(line, $"{Echo.Shorten(sums[i].Label)} is not a number: '{shown}'", row.Span);
                }
            }
            if (good && !groups.TryAdd(key, values))
                throw new InvalidOperationException(
                    $"csv: more distinct values of {Echo.Shorten(manifest.Group.Label)} than fit in {CsvGroups.MaxResultBytes / (1024 * 1024)} MB of results; group by a column with fewer values");
        }
    }

    private static string TextAt(Microsoft.Win32.SafeHandles.SafeFileHandle file, long offset)
    {
        var bytes = new byte[600];
        var read = RandomAccess.Read(file, bytes, offset);
        return Encoding.UTF8.GetString(bytes, 0, read);
    }

    public IResultAggregator CreateAggregator() => new CsvAggregator(manifest.Layout.ChunkCount, manifest.Group, manifest.Sums);
}
