using System.Diagnostics;
using System.Globalization;

namespace ActorCluster.Protocol.Processes;

/// <summary>
/// Where this repository's built programs are and how to start one: the integration tests, the bench and
/// <c>actorcluster bench</c> find <c>actorcluster</c> (or <c>pbm</c>, <c>actorcluster-bench</c>) the same way.
/// </summary>
public static class BuiltPrograms
{
    /// <summary>The <c>dotnet</c> host that runs a program's dll: the one running this process when known.</summary>
    public static string DotnetHost { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : IsDotnetHost(Environment.ProcessPath) ? Environment.ProcessPath!
        : "dotnet";

    /// <summary>The directory at or above <paramref name="from"/> that holds ActorCluster.sln; null when there is none.</summary>
    public static string? FindRepoRoot(string from)
    {
        var dir = new DirectoryInfo(from);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ActorCluster.sln")))
            dir = dir.Parent;
        return dir?.FullName;
    }

    /// <summary>Release or Debug: the configuration whose build output <paramref name="directory"/> is in.</summary>
    public static string ConfigurationOf(string directory) =>
        directory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>
    /// The dll of <paramref name="assemblyName"/>, built from <c>src/<paramref name="project"/></c>: next to
    /// <paramref name="from"/> when both were published into one directory, otherwise the repository's build of
    /// the configuration and target framework <paramref name="from"/> belongs to. The path is returned even when
    /// nothing is built there yet, so the caller can name it in its error.
    /// </summary>
    public static string Locate(string project, string assemblyName, string from)
    {
        var beside = Path.Combine(from, assemblyName + ".dll");
        if (File.Exists(beside))
            return beside;
        var root = FindRepoRoot(from) ?? throw new InvalidOperationException(
            $"{assemblyName}.dll is neither next to {from} nor in a repository build above it");
        var framework = Path.GetFileName(Path.TrimEndingDirectorySeparator(from)) is { } last && last.StartsWith("net", StringComparison.Ordinal)
            ? last
            : "net" + Environment.Version.ToString(2);
        return Path.Combine(root, "src", project, "bin", ConfigurationOf(from), framework, assemblyName + ".dll");
    }

    /// <summary>The built <c>actorcluster</c> (see <see cref="Locate"/>).</summary>
    public static string ActorCluster(string from) => Locate("ActorCluster.Cli", "actorcluster", from);

    /// <summary><c>dotnet DLL ARGS</c> with standard output and error redirected (for <see cref="NodeProcess"/> or a caller that reads them).</summary>
    public static ProcessStartInfo StartInfo(string dll, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return info;
    }

    /// <summary>A start info that runs the program this process runs, started as an apphost or through <c>dotnet</c>.</summary>
    public static ProcessStartInfo ThisProgram(IEnumerable<string> args)
    {
        var processPath = Environment.ProcessPath ?? DotnetHost;
        if (!IsDotnetHost(processPath))
        {
            var info = new ProcessStartInfo(processPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) info.ArgumentList.Add(a);
            return info;
        }
        var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location
                    ?? throw new InvalidOperationException("no entry assembly to start again");
        return StartInfo(entry, args);
    }

    /// <summary>
    /// The same start under <c>taskset -c CPU</c>: every thread of the process stays on that core. taskset execs
    /// the program, so the process id (and a signal sent to it) is the program's own.
    /// </summary>
    public static ProcessStartInfo PinnedTo(ProcessStartInfo info, int cpu)
    {
        var pinned = new ProcessStartInfo("taskset")
        {
            RedirectStandardInput = info.RedirectStandardInput,
            RedirectStandardOutput = info.RedirectStandardOutput,
            RedirectStandardError = info.RedirectStandardError,
            UseShellExecute = false,
            WorkingDirectory = info.WorkingDirectory,
        };
        pinned.ArgumentList.Add("-c");
        pinned.ArgumentList.Add(cpu.ToString(CultureInfo.InvariantCulture));
        pinned.ArgumentList.Add(info.FileName);
        foreach (var a in info.ArgumentList) pinned.ArgumentList.Add(a);
        pinned.Environment.Clear();
        foreach (var (k, v) in info.Environment) pinned.Environment[k] = v;
        return pinned;
    }

    /// <summary>Whether <c>taskset</c> (util-linux) is there to pin a process with.</summary>
    public static bool CanPin => OperatingSystem.IsLinux() && (File.Exists("/usr/bin/taskset") || File.Exists("/bin/taskset"));

    private static bool IsDotnetHost(string? path) =>
        path is not null && Path.GetFileNameWithoutExtension(path) == "dotnet";
}
