using System.CommandLine;
using ActorCluster.Bench;
using ActorCluster.Protocol.Processes;

// actorcluster-bench: ActorCluster side by side with Parallel.ForEach-class baselines, in one run, on node
// processes of the built `actorcluster`.
var quick = new Option<bool>("--quick") { Description = "smaller sizes: under 2 minutes on a 2-core machine (the full run: under 10)" };
var output = new Option<string>("--output")
{
    Description = "where bench.json and bench.md go",
    HelpName = "DIR",
    DefaultValueFactory = _ => "bench-output",
};
var workers = new Option<int>("--workers")
{
    Description = "baseline threads and workers per node; the default is the number of logical cores",
    HelpName = "P",
    DefaultValueFactory = _ => Environment.ProcessorCount,
};
workers.Validators.Add(r => InRange(r, 1, 1024));
var repeat = new Option<int>("--repeat")
{
    Description = "run every measurement N times and keep the fastest (use 3 on a machine other work is using)",
    HelpName = "N",
    DefaultValueFactory = _ => 1,
};
repeat.Validators.Add(r => InRange(r, 1, 20));
var sections = new Option<string?>("--sections")
{
    Description = $"comma-separated subset of: {string.Join(", ", BenchRunner.AllSections)}",
    HelpName = "LIST",
};
sections.Validators.Add(r =>
{
    if (SectionList(r.GetValueOrDefault<string?>())?.FirstOrDefault(s => !BenchRunner.AllSections.Contains(s)) is { } unknown)
        r.AddError($"unknown section '{unknown}' (known: {string.Join(", ", BenchRunner.AllSections)})");
});
var actorCluster = new Option<string?>("--actorcluster")
{
    Description = "the actorcluster dll the nodes run (default: next to this program, or this repository's build of the same configuration)",
    HelpName = "DLL",
};

var root = new RootCommand("""
    runs the same items sequentially, through Parallel.ForEach, static partitioning, a shared queue (one message per
    item) and ActorCluster node processes started on 127.0.0.1 (1, 2 and 3 nodes; 2 nodes pinned to their own cores
    with taskset against 1 pinned node; 3 single-worker nodes with skewed sleeping items), checks that every run
    computed the sequential result, prints the table and the targets, and writes DIR/bench.json and DIR/bench.md.
    Exit code: 0 = every result correct (targets missed are reported, not failures), 1 = a wrong result or a failed
    run, 2 = a usage error, 3 = the run overran its time limit and was stopped
    """)
{
    quick, output, workers, repeat, sections, actorCluster,
};
root.SetAction((parsed, _) => RunAsync(parsed));

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    Console.Error.WriteLine($"error: bench: {parse.Errors[0].Message}");
    return 2;
}
return await parse.InvokeAsync();

async Task<int> RunAsync(ParseResult parsed)
{
    var plan = parsed.GetValue(quick) ? BenchSizes.Quick : BenchSizes.Full;
    var program = parsed.GetValue(actorCluster) ?? BuiltPrograms.ActorCluster(AppContext.BaseDirectory);
    if (!File.Exists(program))
    {
        Console.Error.WriteLine($"error: bench: {program} is not built; build it with `dotnet build src/ActorCluster.Cli -c Release`");
        return 1;
    }
    var runs = parsed.GetValue(repeat);

    // Whatever happens (Ctrl+C, an exception, an overrun), no node process outlives the benchmark.
    AppDomain.CurrentDomain.ProcessExit += (_, _) => BenchCluster.KillAllStarted();
    Console.CancelKeyPress += (_, _) => BenchCluster.KillAllStarted();
    var limit = (plan.Mode == "quick" ? TimeSpan.FromMinutes(5) : TimeSpan.FromMinutes(20)) * runs;
    using var watchdog = new Timer(_ =>
    {
        Console.Error.WriteLine($"error: bench: still running after {limit.TotalMinutes:0} minutes; stopping every node and giving up");
        BenchCluster.KillAllStarted();
        Environment.Exit(3);
    }, null, limit, Timeout.InfiniteTimeSpan);

    var runner = new BenchRunner(new BenchOptions
    {
        Plan = plan,
        ActorCluster = program,
        Workers = parsed.GetValue(workers),
        Repeat = runs,
        Sections = SectionList(parsed.GetValue(sections))?.ToHashSet(),
    });
    var result = await runner.RunAsync();

    var outputDir = parsed.GetValue(output)!;
    Directory.CreateDirectory(outputDir);
    var jsonPath = Path.Combine(outputDir, "bench.json");
    await File.WriteAllTextAsync(jsonPath, BenchWriter.ToJson(result));
    await File.WriteAllTextAsync(Path.Combine(outputDir, "bench.md"), BenchWriter.Markdown(result));

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

static string[]? SectionList(string? list) =>
    list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

static void InRange(System.CommandLine.Parsing.OptionResult option, int min, int max)
{
    var value = option.GetValueOrDefault<int>();
    if (value < min || value > max)
        option.AddError($"{option.IdentifierToken?.Value} must be between {min} and {max}, got {value}");
}
