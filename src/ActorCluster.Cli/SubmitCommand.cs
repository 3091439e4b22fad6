using System.CommandLine;
using System.Diagnostics;
using ActorCluster.Admin.CommandLine;
using ActorCluster.Core.Jobs;
using ActorCluster.Core.Security;
using ActorCluster.Protocol.Client;
using ActorCluster.Protocol;
using ActorCluster.Workloads;

namespace ActorCluster.Cli;

/// <summary><c>actorcluster submit</c>: submits a job through a seed node and follows it to the end.</summary>
public static class SubmitCommand
{
    private const string Example = "actorcluster submit --seed 127.0.0.1:4053 lfsr --degree 16";

    /// <summary>Submit's options that may also follow the workload name; every other word after it is the workload's.</summary>
    private static readonly string[] AfterWorkload = ["--output", "--timeout", "--detach", "--no-cache"];

    public static Command Create()
    {
        var seed = Seeds.CreateOption("contact point, repeatable (env CLUSTER_SEEDS); the client never joins the cluster");
        var output = CliOption.Text("--output", "DIR", "write DIR/report.json (and DIR/results.jsonl, one line per item, for workloads with per-item results) when the job ends");
        var timeout = CliOption.Int("--timeout", "SECONDS", "give up following the job after this long (the job keeps running)", 1, int.MaxValue);
        var detach = CliOption.Flag("--detach", "print the job id and return at once");
        var noCache = CliOption.Flag("--no-cache", "run every item: take nothing from the result cache");
        var plugins = CliOption.Text("--plugins", "DIR",
            $"plugins directory, for `submit <plugin> --help` (env {WorkloadSetup.PluginsVariable}); nodes run plugins from their own --plugins");
        var workload = new Argument<string?>("workload")
        {
            HelpName = "workload",
            Description = $"what to run: {string.Join(", ", BuiltInWorkloads.All.Select(w => w.Name))}",
            Arity = ArgumentArity.ZeroOrOne,
        };
        workload.CompletionSources.Add(BuiltInWorkloads.All.Select(w => w.Name).ToArray());
        var workloadArgs = new Argument<string[]>("workload args")
        {
            Description = "the workload's own arguments (`actorcluster submit <workload> --help` lists them)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var tls = TlsArgs.Create();
        var command = new Command("submit", "submit a job through a seed node and follow it to the end")
        {
            seed, output, timeout, detach, noCache, plugins, workload, workloadArgs,
        };
        tls.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetValue(workload) is null)
                result.AddError($"name a workload, e.g. `{Example}`");
        });
        command.SetAction(parsed =>
        {
            var name = parsed.GetValue(workload)!;
            var passed = parsed.GetValue(workloadArgs) ?? [];
            if (passed.Any(a => a is "--help" or "-h"))
            {
                var dir = parsed.GetValue(plugins) ?? (Environment.GetEnvironmentVariable(WorkloadSetup.PluginsVariable) is { Length: > 0 } env ? env : null);
                var known = WorkloadSetup.ForClient(dir, parsed.InvocationConfiguration.Error);
                return Task.FromResult(WorkloadHelp.Print(name, known, parsed.InvocationConfiguration.Output));
            }
            var seconds = parsed.GetValue(timeout);
            return RunAsync(name, passed, Seeds.Resolve(parsed.GetValue(seed), "submit"), parsed.GetValue(output),
                seconds is { } t ? TimeSpan.FromSeconds(t) : null, parsed.GetValue(detach), parsed.GetValue(noCache), TlsArgs.Load(tls.Resolve(parsed, "submit"), "submit"));
        });
        return command.WithEpilogue(
            "Options before the workload name belong to submit; after it, everything but --output, --timeout, --detach and --no-cache\n" +
            "goes to the workload, and those too when the workload has its own (exec --timeout).\n" +
            "exit codes: 0 the job completed, 1 it failed or was cancelled (or could not be submitted or followed), 2 usage error,\n" +
            $"{CompletedWithFailuresExitCode} it completed but some items failed (exec commands that exited non-zero; the workload counts them).\nworkloads (`actorcluster submit <workload> --help` for one's arguments; plugins: `submit --plugins DIR <name> --help`):\n" +
            string.Join("\n", BuiltInWorkloads.All.Select(w => $"  {WorkloadHelp.Synopsis(w)}\n      {w.Description}")));
    }

    /// <summary>
    /// Submit's command line arranged for the parser: submit's own options that follow the workload name move
    /// before it, and a <c>--</c> after it hands every remaining word to the workload, even one that is also
    /// one of submit's option names (synthetic has its own --seed). An option the workload itself declares stays
    /// the workload's (exec's --timeout is per command; submit's own --timeout then goes before the workload name).
    /// </summary>
    public static string[] Arrange(string[] args, Command submit)
    {
        var at = CommandLineRunner.FirstWord(args, 0, submit);
        if (at >= args.Length) return args;
        var declared = BuiltInWorkloads.All.FirstOrDefault(w => w.Name == args[at])?.Options.Select(o => $"--{o.Name}").ToHashSet() ?? [];
        var mine = new List<string>();
        var theirs = new List<string>();
        for (var i = at + 1; i < args.Length; i++)
        {
            var arg = args[i];
            var name = arg.Split('=')[0];
            if (!AfterWorkload.Contains(name) || declared.Contains(name))
            {
                theirs.Add(arg);
                continue;
            }
            mine.Add(arg);
            if (!arg.Contains('=') && CommandLineRunner.TakesValue(submit, arg) && i + 1 < args.Length)
                mine.Add(args[++i]);
        }
        return theirs.Count == 0 ? [.. args[..at], args[at], .. mine] : [.. args[..at], args[at], .. mine, "--", .. theirs];
    }

    private static async Task<int> RunAsync(string workload, IReadOnlyList<string> workloadArgs, IReadOnlyList<string> seeds, string? output,
        TimeSpan? timeout, bool detach, bool noCache, TlsIdentity? tls)
    {
        if (seeds.Count == 0)
            throw new UsageException("submit: --seed HOST:PORT is required (or set CLUSTER_SEEDS)");

        await using var client = JobClient.Create(seeds, tls, ClientLog.Path);
        // For a person at a terminal, on stderr (with --detach stdout is the job id alone); a script hears only the outcome.
        var accepted = await client.SubmitAsync(workload, workloadArgs, noCache, stillPreparing: Console.IsErrorRedirected ? null
            : id => Console.Error.WriteLine($"job {id}: preparing (a workload with inputs lists them now)..."));
        if (detach)
        {
            Console.WriteLine(accepted.JobId);
            return 0;
        }
        Console.WriteLine($"job {accepted.JobId}: {workload} {string.Join(' ', workloadArgs)} — {accepted.ItemsTotal:N0} items");
        var status = await FollowAsync(client, accepted.JobId, ProgressView.ForConsole(), timeout);
        return await ConcludeAsync(client, status, workloadArgs, output);
    }

    /// <summary><see cref="Conclude"/>, and DIR/results.jsonl fetched from the job store when the job has per-item records.</summary>
    public static async Task<int> ConcludeAsync(JobClient client, JobStatus status, IReadOnlyList<string> workloadArgs, string? outputDir)
    {
        if (outputDir is null) return Conclude(status, workloadArgs, null);
        if (await JobReport.WriteResultsAsync(outputDir, client, status.JobId) is { } results)
            Console.WriteLine($"results: {results}");
        return Conclude(status, workloadArgs, outputDir, await JobReport.TimelineAsync(client, status.JobId));
    }

    /// <summary>Follows the job until it ends, riding out a lost contact point as long as another one answers.</summary>
    public static async Task<JobStatus> FollowAsync(JobClient client, string jobId, ProgressView view, TimeSpan? timeout)
    {
        var clock = Stopwatch.StartNew();
        using var limit = new CancellationTokenSource(timeout ?? Timeout.InfiniteTimeSpan);
        JobStatus? final = null;
        try
        {
            await foreach (var status in client.FollowAsync(jobId, limit.Token))
            {
                view.Update(status, clock.Elapsed);
                final = status;
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            view.Finish();
            throw new JobClientException($"job {jobId} still running after {timeout!.Value.TotalSeconds:0}s; follow it with `actorcluster jobs watch {jobId}`");
        }
        view.Finish();
        return final!;
    }

    /// <summary>Exit code of a job that completed but whose workload reports failed items (exec commands that exited non-zero).</summary>
    public const int CompletedWithFailuresExitCode = 3;

    /// <summary>
    /// Writes the report, prints the summary and turns the job's state into an exit code: 0 completed, 1 failed or
    /// cancelled, 3 completed with failed items.
    /// </summary>
    /// <remarks>
    /// Failed items come from <see cref="JobStatus.ItemsFailed"/>, the count the coordinator takes from the workload's
    /// aggregate (IResultAggregator.FailedItems), not from a "failed" key in the result JSON: every workload, a plugin
    /// too, says explicitly what counts as a failed item, and no result that merely has such a key changes the exit code.
    /// </remarks>
    public static int Conclude(JobStatus status, IReadOnlyList<string> workloadArgs, string? outputDir, JobTimelineView? timeline = null) =>
        Conclude(status, workloadArgs, outputDir, timeline, Console.Out, Console.Error);

    /// <inheritdoc cref="Conclude(JobStatus, IReadOnlyList{string}, string?, JobTimelineView?)"/>
    public static int Conclude(JobStatus status, IReadOnlyList<string> workloadArgs, string? outputDir, JobTimelineView? timeline, TextWriter output, TextWriter error)
    {
        string? report = null;
        if (outputDir is not null)
        {
            report = JobReport.Write(outputDir, status, workloadArgs, timeline);
            output.WriteLine($"report: {report}");
            output.WriteLine($"report: {Path.ChangeExtension(report, ".html")}");
        }
        foreach (var line in FinalSummary.Lines(status, report))
            output.WriteLine(line);
        if (status.State == JobPhase.Completed)
        {
            if (status.ItemsFailed <= 0) return 0;
            error.WriteLine($"error: job {status.JobId} completed, but {status.ItemsFailed:N0} of {status.ItemsTotal:N0} items failed");
            return CompletedWithFailuresExitCode;
        }
        error.WriteLine($"error: job {status.JobId} {status.State}: {status.Error ?? "no reason given"}");
        return 1;
    }
}
