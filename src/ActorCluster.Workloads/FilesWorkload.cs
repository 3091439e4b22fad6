using System.Buffers;
using System.Buffers.Binary;
using System.IO.Enumeration;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorCluster.Abstractions;
using ActorCluster.Core.Text;

namespace ActorCluster.Workloads;

/// <summary>
/// Hashes a directory's files: per file its path relative to <c>--path</c>, size, SHA-256 and, for a text file, its
/// line count (the number of '\n' bytes, as <c>wc -l</c> counts). A file is text when its first 8 KB hold no NUL
/// byte. The files are listed once, when the job starts, into the job's manifest (path, size, modification time);
/// every node works from that list and never lists the directory again. An unreadable file, or one that changed
/// since it was listed, fails only its item: its record says why, and the job goes on.
/// </summary>
public sealed class FilesWorkload : IWorkload
{
    /// <summary>How much of a file decides whether it is text: no NUL byte in its first 8 KB.</summary>
    public const int TextProbeBytes = 8192;

    private const int BufferBytes = 1024 * 1024;

    private static readonly WorkloadOption<string> PathOption = WorkloadOption.Text("path", "DIR", "directory whose files are hashed (the same path on every node)");
    private static readonly WorkloadOption<string> Pattern = WorkloadOption.Text("pattern", "GLOB", "only files whose name matches (* and ?)", "*");
    private static readonly WorkloadOption<bool> Recursive = WorkloadOption.Flag("recursive", "include files in subdirectories");

    public string Name => "files";

    public string Description => "per file: relative path, size, SHA-256 and line count of text files; result: files, bytes, lines, failures";

    public IReadOnlyList<WorkloadOption> Options => [PathOption, Pattern, Recursive];

    public IWorkloadJob Prepare(IReadOnlyList<string> args)
    {
        var (root, pattern, recursive) = Parse(args);
        if (!Directory.Exists(root))
            throw new WorkloadArgumentException(File.Exists(root)
                ? $"files: --path '{Echo.Shorten(root)}' is a file, not a directory"
                : $"files: --path '{Echo.Shorten(root)}' does not exist");
        return new FilesJob(new FileManifest(root, List(root, pattern, recursive)));
    }

    public IWorkloadJob Open(IReadOnlyList<string> args, ReadOnlyMemory<byte> manifest)
    {
        Parse(args);
        return new FilesJob(FileManifest.Decode(manifest));
    }

    private static (string Root, string Pattern, bool Recursive) Parse(IReadOnlyList<string> args)
    {
        var parsed = new WorkloadArguments("files", args);
        var path = parsed.Get(PathOption);
        var pattern = parsed.Get(Pattern);
        var recursive = parsed.Get(Recursive);
        parsed.RejectUnknown();
        if (path.Length == 0) throw new WorkloadArgumentException("files: --path must not be empty");
        if (pattern.Length == 0 || pattern.Contains('/')) throw new WorkloadArgumentException($"files: --pattern matches file names: no '/' and not empty, got '{Echo.Shorten(pattern)}'");
        return (Path.GetFullPath(path), pattern, recursive);
    }

    /// <summary>Every regular file under <paramref name="root"/> whose name matches, largest first, then by path.</summary>
    public static List<FileEntry> List(string root, string pattern, bool recursive)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = recursive,
            IgnoreInaccessible = true,
            AttributesToSkip = 0,
            ReturnSpecialDirectories = false,
        };
        var files = new FileSystemEnumerable<FileEntry>(root,
            (ref FileSystemEntry e) => new FileEntry(Path.GetRelativePath(root, e.ToFullPath()).Replace(Path.DirectorySeparatorChar, '/'),
                e.Length, e.LastWriteTimeUtc.UtcTicks),
            options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => !e.IsDirectory && FileSystemName.MatchesSimpleExpression(pattern, e.FileName, ignoreCase: false),
        }.ToList();
        files.Sort((a, b) => b.Size != a.Size ? b.Size.CompareTo(a.Size) : string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return files;
    }

    /// <summary>One file's record: <c>{"path","size","sha256","lines"}</c> (lines null for a binary file), or <c>{"path","size","error"}</c>.</summary>
    public static string Hash(string root, FileEntry entry, byte[] buffer, CancellationToken cancellation)
    {
        var full = Path.Combine(root, entry.RelativePath);
        try
        {
            using var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0, FileOptions.SequentialScan);
            var info = new FileInfo(full);
            if (info.Length != entry.Size || info.LastWriteTimeUtc.Ticks != entry.ModifiedUtcTicks)
                return Failure(entry, "changed since the job started (size or modification time differ from the manifest)");
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long lines = 0, read = 0;
            var text = true;
            int n;
            while ((n = file.Read(buffer, 0, buffer.Length)) > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                var chunk = buffer.AsSpan(0, n);
                if (read < TextProbeBytes && chunk[..(int)Math.Min(n, TextProbeBytes - read)].Contains((byte)0)) text = false;
                sha.AppendData(chunk);
                lines += chunk.Count((byte)'\n');
                read += n;
            }
            if (read != entry.Size) return Failure(entry, "changed while it was read (its length differs from the manifest)");
            return Record(w =>
            {
                w.WriteString("path", entry.RelativePath);
                w.WriteNumber("size", entry.Size);
                w.WriteString("sha256", Convert.ToHexStringLower(sha.GetHashAndReset()));
                if (text) w.WriteNumber("lines", lines);
                else w.WriteNull("lines");
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failure(entry, e.Message);
        }
    }

    private static string Failure(FileEntry entry, string error) => Record(w =>
    {
        w.WriteString("path", entry.RelativePath);
        w.WriteNumber("size", entry.Size);
        w.WriteString("error", error.ReplaceLineEndings(" "));
    });

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Record(Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            fields(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A batch's or an aggregate's totals: 32 bytes, files hashed, their bytes, lines of text files, failed items.</summary>
    public readonly record struct Totals(long Files, long Bytes, long Lines, long Failures)
    {
        public static Totals operator +(Totals a, Totals b) => new(a.Files + b.Files, a.Bytes + b.Bytes, a.Lines + b.Lines, a.Failures + b.Failures);

        public byte[] Encode()
        {
            var bytes = new byte[32];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, Files);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), Bytes);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), Lines);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(24), Failures);
            return bytes;
        }

        public static Totals Decode(ReadOnlySpan<byte> bytes) => bytes.Length < 32
            ? default
            : new(BinaryPrimitives.ReadInt64LittleEndian(bytes), BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]),
                BinaryPrimitives.ReadInt64LittleEndian(bytes[16..]), BinaryPrimitives.ReadInt64LittleEndian(bytes[24..]));

        /// <summary>What one record adds: a hashed file with its size and lines, or a failure.</summary>
        public static Totals Of(string record)
        {
            var o = JsonNode.Parse(record)!.AsObject();
            if (o.ContainsKey("error")) return new(0, 0, 0, 1);
            return new(1, (long)o["size"]!, o["lines"] is { } lines ? (long)lines : 0, 0);
        }
    }

    private sealed class FilesJob(FileManifest manifest) : ICacheableWorkloadJob
    {
        private readonly byte[] _encoded = manifest.Encode();
        private readonly long[] _sizes = manifest.Files.Select(f => f.Size).ToArray();

        public long ItemCount => manifest.Files.Count;

        public WorkloadKind Kind => WorkloadKind.IoBound;

        /// <summary>One read buffer per running item.</summary>
        public long MemoryPerItemBytes => BufferBytes;

        public ReadOnlyMemory<byte> Manifest => _encoded;

        public IReadOnlyList<long> ItemSizes => _sizes;

        public BatchOutput Execute(ItemRange range, CancellationToken cancellation)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
            try
            {
                var records = new string[range.Count];
                var totals = default(Totals);
                for (var i = 0; i < range.Count; i++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    records[i] = Hash(manifest.Root, manifest.Files[(int)(range.Start + i)], buffer, cancellation);
                    totals += Totals.Of(records[i]);
                }
                return new BatchOutput(totals.Encode(), records);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>The root, the path under it, its size and modification time: the same file unchanged gives the same record.</summary>
        public string? ItemKey(long item)
        {
            var f = manifest.Files[(int)item];
            return $"{manifest.Root}\n{f.RelativePath}\n{f.Size}\n{f.ModifiedUtcTicks}";
        }

        public byte[] PartialFromRecords(ItemRange range, IReadOnlyList<string> records) =>
            records.Aggregate(default(Totals), (sum, r) => sum + Totals.Of(r)).Encode();

        /// <summary>A failure (unreadable, changed) may not fail next time: only hashed files are cached.</summary>
        public bool IsCacheable(string record) => !Totals.Of(record).Equals(new Totals(0, 0, 0, 1));

        public IResultAggregator CreateAggregator() => new Aggregator();
    }

    private sealed class Aggregator : IResultAggregator
    {
        private Totals _totals;

        public void Add(ItemRange range, ReadOnlySpan<byte> partial) => _totals += Totals.Decode(partial);

        public JsonObject ToJson() => new()
        {
            ["files"] = _totals.Files,
            ["bytes"] = _totals.Bytes,
            ["lines"] = _totals.Lines,
            ["failures"] = _totals.Failures,
        };

        public long FailedItems => _totals.Failures;

        public byte[] Save() => _totals.Encode();

        public void Load(ReadOnlySpan<byte> saved) => _totals = Totals.Decode(saved);
    }
}
