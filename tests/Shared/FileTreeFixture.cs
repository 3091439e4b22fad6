using System.Diagnostics;
using System.Text;

namespace ActorCluster.Tests.Shared;

/// <summary>
/// A directory tree for the files workload's specs, and the independent tools they check it with: `sha256sum` and
/// `wc -l`, one process per file, arguments passed as they are (no shell). The tree has names with spaces, both
/// quotes and non-ASCII letters, empty files, binary files, text without a last newline, files in subdirectories, and
/// optionally one big sparse file (made with `truncate`, so it costs no disk and no time to write).
/// </summary>
public static class FileTreeFixture
{
    public static string Create(long bigFileBytes = 0, int smallFiles = 40)
    {
        var root = Directory.CreateTempSubdirectory("actorcluster-files-").FullName;
        Write(root, "plain.txt", "one\ntwo\nthree\n");
        Write(root, "with space.txt", "a line\n");
        Write(root, "it's \"quoted\".txt", "x\ny\n");
        Write(root, "grüße 日本.txt", "ü\n\n日本\n");
        Write(root, "empty.txt", "");
        Write(root, "no-newline.txt", "first\nsecond without newline");
        File.WriteAllBytes(Path.Combine(root, "binary.bin"), [1, 2, 0, 10, 10, 3, 10]);
        Write(root, "sub dir/nested 'one'.txt", "nested\n");
        Write(root, "sub dir/deeper/ärger.log", string.Concat(Enumerable.Range(0, 5000).Select(i => $"line {i}\n")));
        var random = new Random(42);
        for (var i = 0; i < smallFiles; i++)
        {
            var text = new StringBuilder();
            for (var l = random.Next(0, 200); l > 0; l--) text.Append('x', random.Next(0, 120)).Append('\n');
            Write(root, $"many/file {i:000}.txt", text.ToString());
        }
        if (bigFileBytes > 0)
        {
            var big = Path.Combine(root, "big sparse.img");
            Run("truncate", "-s", bigFileBytes.ToString(), big);
            // A little real data inside the holes, so the hash is not the one of all zeros.
            using var stream = new FileStream(big, FileMode.Open, FileAccess.Write);
            foreach (var at in new[] { 0L, bigFileBytes / 2, bigFileBytes - 100 })
            {
                stream.Position = at;
                stream.Write("sparse\n"u8);
            }
        }
        return root;
    }

    private static void Write(string root, string relative, string text)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, new UTF8Encoding(false));
    }

    /// <summary>Every file under <paramref name="root"/> as `sha256sum` and `wc -l` see it, by '/'-separated relative path.</summary>
    public static Dictionary<string, (long Size, string Sha256, long Lines)> Expected(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(
            path => Path.GetRelativePath(root, path).Replace('\\', '/'),
            path => (new FileInfo(path).Length, Run("sha256sum", "--", path)[..64], long.Parse(Run("wc", "-l", "--", path).Split(' ')[0])));

    public static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException($"{program} did not finish within 60 s");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} exited {process.ExitCode}: {process.StandardError.ReadToEnd()}");
        return output.Result;
    }

    public static void Delete(string root)
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
