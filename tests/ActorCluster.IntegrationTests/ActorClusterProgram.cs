using System.Diagnostics;

namespace ActorCluster.IntegrationTests;

/// <summary>Finds and starts the real programs built next to these tests: `actorcluster` (nodes and commands) and `pbm`.</summary>
public static class ActorClusterProgram
{
    public static string RepoRoot { get; } = BuiltPrograms.FindRepoRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException("cannot find ActorCluster.sln above the test directory");

    /// <summary>Debug or Release: the configuration this test assembly was built in.</summary>
    public static string Configuration { get; } = BuiltPrograms.ConfigurationOf(AppContext.BaseDirectory);

    /// <summary>The Cli build of the same configuration as this test assembly.</summary>
    public static string Dll { get; } = BuiltPrograms.ActorCluster(AppContext.BaseDirectory);

    /// <summary>The pbm tool of the same configuration.</summary>
    public static string PbmDll { get; } = BuiltPrograms.Locate("ActorCluster.Pbm", "pbm", AppContext.BaseDirectory);

    /// <summary>Settings the test runner may have in its own environment; they must not leak into the processes under test.</summary>
    private static readonly string[] RunnerOverrides =
    [
        "ACTORCLUSTER_WORKERS", "MAX_WORKERS", "ACTORCLUSTER_MEMORY_LIMIT_MB", "MEMORY_LIMIT_MB", "ACTORCLUSTER_POLICY",
        "ACTORCLUSTER_CHUNK_SIZE", "CLUSTER_SEEDS", "CLUSTER_PORT", "ACTORCLUSTER_ADMIN_TOKEN",
        "ACTORCLUSTER_TLS_CERT", "ACTORCLUSTER_TLS_KEY", "ACTORCLUSTER_TLS_PASSWORD", "ACTORCLUSTER_TLS_CA", "CLUSTER_IP", "CLUSTER_BIND_IP", "CLUSTER_PUBLIC_HOST",
        "ACTORCLUSTER_CONFIG", "ACTORCLUSTER_ROLES", "ACTORCLUSTER_DATA_DIR",
    ];

    /// <summary>
    /// The runtime directory every node and pbm of this test run share (XDG_RUNTIME_DIR): nodes write their admin token
    /// files there and pbm reads them, as one user's processes do, without touching the runner's own directory.
    /// </summary>
    public static string RuntimeDir { get; } = Directory.CreateTempSubdirectory("actorcluster-it-runtime-").FullName;

    /// <summary>`dotnet DLL ARGS` run from the repository root; <paramref name="env"/> values set variables, null values remove them.</summary>
    public static ProcessStartInfo StartInfo(string dll, IEnumerable<string> args, IDictionary<string, string?>? env = null)
    {
        Assert.True(File.Exists(dll), $"{dll} is missing; build the solution first");
        var info = BuiltPrograms.StartInfo(dll, args);
        info.RedirectStandardInput = true;
        info.WorkingDirectory = RepoRoot;
        foreach (var name in RunnerOverrides) info.Environment.Remove(name);
        info.Environment["XDG_RUNTIME_DIR"] = RuntimeDir;
        foreach (var (k, v) in env ?? new Dictionary<string, string?>())
        {
            if (v is null) info.Environment.Remove(k);
            else info.Environment[k] = v;
        }
        return info;
    }

    /// <summary>Starts `actorcluster ARGS` (a node), optionally pinned to one core with taskset.</summary>
    public static NodeProcess StartNode(string name, IEnumerable<string> args, IDictionary<string, string?>? env = null, int? pinToCpu = null)
    {
        var info = StartInfo(Dll, args, env);
        return NodeProcess.Start(name, pinToCpu is { } cpu ? BuiltPrograms.PinnedTo(info, cpu) : info);
    }

    /// <summary>Runs an `actorcluster` command to completion (killed after <paramref name="timeout"/>).</summary>
    public static Task<CommandResult> RunAsync(TimeSpan timeout, params string[] args) => RunAsync(StartInfo(Dll, args), timeout);

    /// <summary>Runs a program to completion and returns its exit code and output; killed if it runs past <paramref name="timeout"/>.</summary>
    public static async Task<CommandResult> RunAsync(ProcessStartInfo info, TimeSpan timeout)
    {
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{string.Join(' ', info.ArgumentList)}` did not finish within {timeout}; output so far: {await stdout}");
        }
        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }
}
