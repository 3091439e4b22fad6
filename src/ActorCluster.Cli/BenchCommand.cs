using ActorCluster.Bench;

namespace ActorCluster.Cli;

/// <summary><c>actorcluster bench</c>: ActorCluster side by side with Parallel.ForEach-class baselines, in one run.</summary>
public static class BenchCommand
{
    public const string Help = """
        actorcluster bench [--quick] [--output DIR] [--workers P] [--repeat N] [--sections LIST]
          runs the same items sequentially, through Parallel.ForEach, static partitioning, a shared queue
          (one message per item) and ActorCluster node processes started on 127.0.0.1 (1, 2 and 3 nodes;
          2 nodes pinned to their own cores with taskset against 1 pinned node), checks that every run
          computed the sequential result, prints the table and the targets, and writes DIR/bench.json and
          DIR/bench.md (default ./bench-output)
          --quick           smaller sizes: under 2 minutes on a 2-core machine (the full run: under 10)
          --workers P       baseline threads and workers per node (default: logical cores)
          --repeat N        run every measurement N times and keep the fastest (default 1; use 3 on a
                            machine other work is using)
          --sections LIST   comma-separated subset of: one-node, scale-out, pinned, hand-out
        exit code: 0 = every result correct (targets missed are reported, not failures), 1 = a wrong result
        or a failed run, 3 = the run overran its time limit and was stopped
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var cl = CommandLine.Parse(args, "bench", new HashSet<string> { "output", "workers", "repeat", "sections" }, new HashSet<string> { "quick" });
        if (cl.Rest.Count > 0)
            throw new UsageException($"bench: unexpected argument '{cl.Rest[0]}'");
        var plan = cl.Has("quick") ? BenchSizes.Quick : BenchSizes.Full;
        var output = cl.Get("output") ?? "bench-output";
        var workers = cl.GetInt("workers", "bench", 1, 1024) ?? Environment.ProcessorCount;
        var repeat = cl.GetInt("repeat", "bench", 1, 20) ?? 1;
        IReadOnlySet<string>? sections = null;
        if (cl.Get("sections") is { } list)
        {
            sections = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
            if (sections.FirstOrDefault(s => !BenchRunner.AllSections.Contains(s)) is { } unknown)
                throw new UsageException($"bench: unknown section '{unknown}' (known: {string.Join(", ", BenchRunner.AllSections)})");
        }

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
