using System.CommandLine;
using ActorCluster.Admin.CommandLine;
using ActorCluster.Bench;

namespace ActorCluster.Cli;

/// <summary><c>actorcluster bench</c>: ActorCluster side by side with Parallel.ForEach-class baselines, in one run.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var quick = CliOption.Flag("--quick", "smaller sizes: under 2 minutes on a 2-core machine (the full run: under 10)");
        var output = CliOption.Text("--output", "DIR", "write DIR/bench.json and DIR/bench.md (default ./bench-output)");
        var workers = CliOption.Int("--workers", "P", "baseline threads and workers per node (default: logical cores)", 1, 1024);
        var repeat = CliOption.Int("--repeat", "N",
            "run every measurement N times and keep the fastest (default 1; use 3 on a machine other work is using)", 1, 20);
        var sections = CliOption.Parsed<IReadOnlySet<string>?>("--sections", "LIST", $"comma-separated subset of: {string.Join(", ", BenchRunner.AllSections)}", raw =>
        {
            var set = raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
            return set.FirstOrDefault(s => !BenchRunner.AllSections.Contains(s)) is { } unknown
                ? (null, $"unknown section '{unknown}' (known: {string.Join(", ", BenchRunner.AllSections)})")
                : (set, null);
        });
        var command = new Command("bench", "ActorCluster side by side with Parallel.ForEach-class baselines (ratios, one run)")
        {
            quick, output, workers, repeat, sections,
        };
        command.SetAction(parsed => RunAsync(parsed.GetValue(quick) ? BenchSizes.Quick : BenchSizes.Full, parsed.GetValue(output) ?? "bench-output",
            parsed.GetValue(workers) ?? Environment.ProcessorCount, parsed.GetValue(repeat) ?? 1, parsed.GetValue(sections)));
        return command.WithEpilogue("""
            runs the same items sequentially, through Parallel.ForEach, static partitioning, a shared queue
            (one message per item) and ActorCluster node processes started on 127.0.0.1 (1, 2 and 3 nodes;
            2 nodes pinned to their own cores with taskset against 1 pinned node), checks that every run
            computed the sequential result, prints the table and the targets, and writes bench.json and bench.md
            exit code: 0 = every result correct (targets missed are reported, not failures), 1 = a wrong result
            or a failed run, 3 = the run overran its time limit and was stopped
            """);
    }

    private static async Task<int> RunAsync(BenchSizes plan, string output, int workers, int repeat, IReadOnlySet<string>? sections)
    {
        // Whatever happens (Ctrl+C, an exception, an overrun), no node process outlives the benchmark.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => BenchCluster.KillAllStarted();
        Console.CancelKeyPress += (_, _) => BenchCluster.KillAllStarted();
        var limit = (plan.Mode == "quick" ? TimeSpan.FromMinutes(5) : TimeSpan.FromMinutes(20)) * repeat;
        using var watchdog = new Timer(_ =>
        {
            Console.Error.WriteLine($"error: bench: still running after {limit.TotalMinutes:0} minutes; stopping every node and giving up");
            BenchCluster.KillAllStarted();
            Environment.Exit(3);
        }, null, limit, Timeout.InfiniteTimeSpan);

        var runner = new BenchRunner(new BenchOptions
        {
            Plan = plan,
            Launcher = a => ChildProcesses.Self(a),
            Workers = workers,
            Repeat = repeat,
            Sections = sections,
        });
        var result = await runner.RunAsync();

        Directory.CreateDirectory(output);
        var jsonPath = Path.Combine(output, "bench.json");
        await File.WriteAllTextAsync(jsonPath, BenchWriter.ToJson(result));
        await File.WriteAllTextAsync(Path.Combine(output, "bench.md"), BenchWriter.Markdown(result));

        Console.WriteLine();
        Console.WriteLine(BenchWriter.Table(result.Rows));
        Console.WriteLine("targets:");
        Console.Write(BenchWriter.TargetsText(result.Targets));
        foreach (var note in result.Notes)
            Console.WriteLine($"note: {note}");
        Console.WriteLine($"bench: {result.TotalSeconds:0} s; load average {result.Machine.LoadAverageAtStart} at start, {result.Machine.LoadAverageAtEnd} at end; wrote {jsonPath}");
        if (result.Failures.Count == 0)
            return 0;
        Console.Error.WriteLine($"error: bench: {result.Failures.Count} run(s) failed or computed a wrong result:");
        foreach (var f in result.Failures)
            Console.Error.WriteLine($"  {f}");
        return 1;
    }
}
