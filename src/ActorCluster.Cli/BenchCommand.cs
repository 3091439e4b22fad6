using System.CommandLine;
using System.Diagnostics;
using ActorCluster.Admin.CommandLine;
using ActorCluster.Protocol.Processes;

namespace ActorCluster.Cli;

/// <summary>
/// <c>actorcluster bench</c>: runs the bench, its own program (<c>actorcluster-bench</c>, src/ActorCluster.Bench),
/// with this build of <c>actorcluster</c> as its nodes.
/// </summary>
public static class BenchCommand
{
    /// <summary>Every word after <c>bench</c> goes to the bench program untouched; it has its own parser and help.</summary>
    public static Command Create()
    {
        var passThrough = new Argument<string[]>("bench options") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("bench", "run the benchmark program (actorcluster-bench) with this actorcluster as its nodes; `actorcluster bench --help` lists its options")
        {
            passThrough,
        };
        command.SetAction((parsed, _) => RunAsync(parsed.GetValue(passThrough) ?? []));
        return command.WithEpilogue(
            "bench options: --quick, --output DIR, --workers P, --repeat N, --sections LIST; `actorcluster-bench --help` describes them");
    }

    /// <summary>Marks every word after <c>bench</c> as the bench program's; a lone --help is the launcher's own.</summary>
    public static IEnumerable<string> Arrange(IReadOnlyList<string> args) => args is ["--help" or "-h" or "-?"] ? args : ["--", .. args];

    private static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var bench = BuiltPrograms.Locate("ActorCluster.Bench", "actorcluster-bench", AppContext.BaseDirectory);
        if (!File.Exists(bench))
        {
            Console.Error.WriteLine($"error: bench: {bench} is not built; build it with `dotnet build src/ActorCluster.Bench -c Release`");
            return 1;
        }
        var info = new ProcessStartInfo(BuiltPrograms.DotnetHost) { UseShellExecute = false };
        info.ArgumentList.Add(bench);
        info.ArgumentList.Add("--actorcluster");
        info.ArgumentList.Add(typeof(BenchCommand).Assembly.Location);
        foreach (var a in args) info.ArgumentList.Add(a);

        using var process = Process.Start(info)!;
        // Ctrl+C reaches the bench too (same terminal); it stops its nodes and exits, and this waits for it.
        Console.CancelKeyPress += (_, e) => e.Cancel = true;
        // A SIGTERM to this launcher must not leave the bench and its nodes behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { if (!process.HasExited) process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        };
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
