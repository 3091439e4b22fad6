using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ActorCluster.Bench;

/// <summary>
/// Wall time of whole `actorcluster` processes, start to exit: `submit` of a small job against a warm node, and
/// `--version` (runtime start and exit with nothing else) as the floor under it. The published apphost next to the
/// dll is used when there is one (a ReadyToRun publish), else `dotnet DLL`.
/// </summary>
public static partial class SubmitWall
{
    public static (string FileName, IReadOnlyList<string> Prefix) Command(string actorClusterDll)
    {
        var apphost = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(actorClusterDll))!, Path.GetFileNameWithoutExtension(actorClusterDll));
        return File.Exists(apphost) && !OperatingSystem.IsWindows() ? (apphost, []) : ("dotnet", [actorClusterDll]);
    }

    /// <summary>One run: wall seconds, CPU seconds (user + system) of the process, its exit code and standard output.</summary>
    public static async Task<(double Wall, double Cpu, int ExitCode, string Stdout)> RunAsync(string actorClusterDll, IReadOnlyList<string> args, TimeSpan limit)
    {
        var (file, prefix) = Command(actorClusterDll);
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in prefix.Concat(args)) start.ArgumentList.Add(a);
        var cpuBefore = ChildrenCpuSeconds();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new BenchFailure($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new BenchFailure($"`actorcluster {string.Join(' ', args)}` still running after {limit.TotalSeconds:0}s");
        }
        var wall = clock.Elapsed.TotalSeconds;
        await stderr;
        return (wall, ChildrenCpuSeconds() - cpuBefore, process.ExitCode, await stdout);
    }

    /// <summary>
    /// CPU (user + system) of this process's children that have exited and been reaped, from /proc/self/stat (cutime,
    /// cstime, in clock ticks of 1/100 s): a child's own counters are gone once it has exited. 0 where there is no /proc.
    /// </summary>
    private static double ChildrenCpuSeconds()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After "pid (comm) ": state is field 3 of stat(5), so field N is fields[N - 3].
            return (long.Parse(fields[16 - 3]) + long.Parse(fields[17 - 3])) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The one-line result `submit` prints for a small job (the JSON after "result: ").</summary>
    public static string? ResultJson(string stdout) => ResultLine().Match(stdout) is { Success: true } m ? m.Groups[1].Value : null;

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    [GeneratedRegex(@"^result: (\{.*\})\s*$", RegexOptions.Multiline)]
    private static partial Regex ResultLine();
}
