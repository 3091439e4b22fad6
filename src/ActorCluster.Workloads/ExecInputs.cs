using System.Text;
using ActorCluster.Abstractions;
using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;

namespace ActorCluster.Workloads;

/// <summary>
/// exec's inputs, listed once when the job starts: the lines of an <c>--inputs</c> file (empty lines skipped),
/// or the files an absolute <c>--glob</c> matches, in ordinal order of their paths. Paths are absolute because
/// every node reads them at the same place; a relative one would depend on each node's working directory.
/// </summary>
public static class ExecInputs
{
    /// <summary>Longest input line: far beyond any path (PATH_MAX is 4096), short of an unbounded read.</summary>
    public const int MaxInputChars = 64 * 1024;

    public const int MaxInputs = 10_000_000;

    public static IReadOnlyList<string> FromFile(string path)
    {
        if (!Path.IsPathFullyQualified(path))
            throw new WorkloadArgumentException($"exec: --inputs must be an absolute path (every node reads it at the same place), got '{Cut(path)}'");
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return ReadLines(reader);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new WorkloadArgumentException($"exec: --inputs file '{Cut(path)}' does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WorkloadArgumentException($"exec: cannot read --inputs file '{Cut(path)}': {e.Message}");
        }
    }

    internal static List<string> ReadLines(TextReader reader)
    {
        var inputs = new List<string>();
        var line = new StringBuilder();
        var buffer = new char[16 * 1024];
        long lineNumber = 1;
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (c == '\n')
                {
                    Add(inputs, line, lineNumber++);
                    continue;
                }
                if (c == '\0') throw new WorkloadArgumentException($"exec: --inputs line {lineNumber} holds a NUL character");
                if (line.Length >= MaxInputChars)
                    throw new WorkloadArgumentException($"exec: --inputs line {lineNumber} is longer than {MaxInputChars} characters");
                line.Append(c);
            }
        }
        Add(inputs, line, lineNumber);
        return inputs;
    }

    public static IReadOnlyList<string> FromGlob(string pattern)
    {
        if (!Path.IsPathFullyQualified(pattern))
            throw new WorkloadArgumentException($"exec: --glob must be an absolute pattern (every node reads it at the same place), got '{Cut(pattern)}'");
        var (root, relative) = Split(pattern);
        if (!Directory.Exists(root))
            throw new WorkloadArgumentException($"exec: --glob directory '{Cut(root)}' does not exist");
        if (relative.Length == 0)
            throw new WorkloadArgumentException($"exec: --glob '{Cut(pattern)}' has no wildcard (*, ** or ?): use --inputs for a list of paths");
        try
        {
            var matcher = new Matcher(StringComparison.Ordinal);
            matcher.AddInclude(relative);
            var found = matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(root)));
            var paths = found.Files.Select(f => Path.GetFullPath(Path.Combine(root, f.Path))).Order(StringComparer.Ordinal).ToList();
            if (paths.Count == 0)
                throw new WorkloadArgumentException($"exec: --glob '{Cut(pattern)}' matches no file");
            if (paths.Count > MaxInputs)
                throw new WorkloadArgumentException($"exec: --glob '{Cut(pattern)}' matches more than {MaxInputs:N0} files");
            return paths;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WorkloadArgumentException($"exec: cannot list --glob '{Cut(pattern)}': {e.Message}");
        }
    }

    /// <summary>The leading directories without wildcards, and the pattern below them.</summary>
    private static (string Root, string Relative) Split(string pattern)
    {
        var parts = pattern.Split('/');
        var literal = parts.TakeWhile(p => p.IndexOfAny(['*', '?', '[', '{']) < 0).Count();
        // The last part names files, never the root.
        literal = Math.Min(literal, parts.Length - 1);
        var root = string.Join('/', parts.Take(literal));
        return (root.Length == 0 ? "/" : root, string.Join('/', parts.Skip(literal)));
    }

    private static void Add(List<string> inputs, StringBuilder line, long lineNumber)
    {
        if (line.Length > 0 && line[^1] == '\r') line.Length--;
        if (line.Length > 0)
        {
            if (inputs.Count >= MaxInputs)
                throw new WorkloadArgumentException($"exec: --inputs has more than {MaxInputs:N0} lines (line {lineNumber})");
            inputs.Add(line.ToString());
        }
        line.Clear();
    }

    internal static string Cut(string text) => text.Length <= 100 ? text : text[..100] + $"... ({text.Length} chars)";
}
