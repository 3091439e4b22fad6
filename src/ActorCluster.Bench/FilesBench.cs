using System.Diagnostics;
using System.Text.Json.Nodes;
using ActorCluster.Protocol.Client;

namespace ActorCluster.Bench;

/// <summary>
/// The files row: SHA-256 over a generated tree of mixed sizes (a few 256 MB files, hundreds of 4 MB ones, thousands of
/// 64 KB ones: ~2 GB, an eighth of it with --quick) by one ActorCluster node with P workers against
/// <c>find DIR -type f -print0 | xargs -0 -P P -n 16 sha256sum</c>, on the same files, in the same run, each once
/// untimed first so both read from the page cache. Both are timed from start to end (ActorCluster: submit, which lists
/// the files, to Completed). Every hash ActorCluster gives is checked against sha256sum's.
/// </summary>
public static class FilesBench
{
    public const string Xargs = "find | xargs -P P sha256sum";
    public const string Cluster = "ActorCluster 1 node";

    public static string Scenario(long bytes) => $"files sha256 {bytes / (1024.0 * 1024 * 1024):0.00} GB";

    /// <summary>Writes the tree (real data: random bytes, so no file system shortcut) and returns its total size.</summary>
    public static long Generate(string root, bool quick)
    {
        var scale = quick ? 8 : 1;
        var random = new Random(7);
        var buffer = new byte[1024 * 1024];
        random.NextBytes(buffer);
        long total = 0;
        void Write(string name, long bytes)
        {
            var path = Path.Combine(root, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
            for (long left = bytes; left > 0; left -= buffer.Length)
            {
                buffer[0]++; // no two megabytes alike
                file.Write(buffer, 0, (int)Math.Min(left, buffer.Length));
            }
            total += bytes;
        }
        for (var i = 0; i < 4; i++) Write($"big/big {i}.bin", 256L * 1024 * 1024 / scale);
        for (var i = 0; i < 200 / scale; i++) Write($"mid/part {i:000}.bin", 4L * 1024 * 1024);
        for (var i = 0; i < 2000 / scale; i++) Write($"small/{i / 100:00}/f{i:0000}.bin", 64 * 1024);
        return total;
    }

    /// <summary>find | xargs -P sha256sum over the tree: its wall seconds and the hash of every file by relative path.</summary>
    public static (double Seconds, Dictionary<string, string> Hashes) RunXargs(string root, int workers)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"cd \"$1\" && find . -type f -print0 | xargs -0 -P {workers} -n 16 sha256sum");
        start.ArgumentList.Add("bench");
        start.ArgumentList.Add(root);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var seconds = clock.Elapsed.TotalSeconds;
        if (process.ExitCode != 0) throw new BenchFailure($"find | xargs sha256sum exited {process.ExitCode}: {process.StandardError.ReadToEnd()}");
        var hashes = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(line => line[66..].TrimStart('.', '/'), line => line[..64]);
        return (seconds, hashes);
    }

    /// <summary>The cluster's records of a job, by relative path.</summary>
    public static async Task<Dictionary<string, string>> ClusterHashesAsync(JobClient client, string jobId)
    {
        var text = new StringWriter();
        await client.WriteResultsAsync(jobId, text);
        return text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!)
            .ToDictionary(o => (string)o["path"]!, o => (string?)o["sha256"] ?? $"error: {o["error"]}");
    }

    /// <summary>The first difference between two hash lists, or null when they are the same.</summary>
    public static string? Difference(Dictionary<string, string> expected, Dictionary<string, string> actual)
    {
        if (expected.Count != actual.Count) return $"{actual.Count} files hashed, sha256sum hashed {expected.Count}";
        foreach (var (path, hash) in expected)
            if (!actual.TryGetValue(path, out var other) || other != hash)
                return $"{path}: {other ?? "missing"}, sha256sum says {hash}";
        return null;
    }
}
