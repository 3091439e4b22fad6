using System.Diagnostics;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol.Client;
using ActorCluster.Protocol;

namespace ActorCluster.Cli;

/// <summary><c>actorcluster submit</c>: submits a job through a seed node and follows it to the end.</summary>
public static class SubmitCommand
{
    public const string Help = """
        actorcluster submit --seed HOST:PORT <workload> [workload args] [--output DIR] [--timeout SECONDS] [--detach]
          --seed HOST:PORT   contact point, repeatable (env CLUSTER_SEEDS); the client never joins the cluster
          --output DIR       write DIR/report.json when the job ends
          --timeout SECONDS  give up following the job after this long (the job keeps running)
          --detach           print the job id and return at once
        Options before the workload name belong to submit; after it, everything but --output, --timeout
        and --detach goes to the workload.
        workloads:
        """;

    private static readonly HashSet<string> Valued = ["seed", "output", "timeout"];
    private static readonly HashSet<string> AfterWorkload = ["output", "timeout"];
    private static readonly HashSet<string> Flags = ["detach"];

    /// <summary>Index of the workload name: the first token that is neither an option nor an option's value.</summary>
    private static int FirstPositional(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal)) return i;
            if (!a.Contains('=') && Valued.Contains(a[2..])) i++;
        }
        return args.Count;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter? log = null)
    {
        // Before the workload name every option is submit's; after it only --output, --timeout and
        // --detach are, so a workload may have its own --seed (synthetic does).
        var firstPositional = FirstPositional(args);
        var before = CommandLine.Parse(args.Take(firstPositional).ToList(), "submit", Valued, Flags);
        var after = CommandLine.Parse(args.Skip(firstPositional).ToList(), "submit", AfterWorkload, Flags, passThroughUnknown: true);
        if (after.Rest.Count == 0)
            throw new UsageException("submit: name a workload, e.g. `actorcluster submit --seed 127.0.0.1:4053 lfsr --degree 16`");
        var cl = before.Merge(after);
        var workload = after.Rest[0];
        var workloadArgs = after.Rest.Skip(1).ToList();
        var seeds = Seeds.Resolve(cl, "submit");
        if (seeds.Count == 0)
            throw new UsageException("submit: --seed HOST:PORT is required (or set CLUSTER_SEEDS)");
        var timeout = cl.GetInt("timeout", "submit", 1, int.MaxValue) is { } t ? TimeSpan.FromSeconds(t) : (TimeSpan?)null;

        await using var client = JobClient.Create(seeds);
        var accepted = await client.SubmitAsync(workload, workloadArgs);
        if (cl.Has("detach"))
        {
            Console.WriteLine(accepted.JobId);
            return 0;
        }
        Console.WriteLine($"job {accepted.JobId}: {workload} {string.Join(' ', workloadArgs)} — {accepted.ItemsTotal:N0} items");
        var status = await FollowAsync(client, accepted.JobId, ProgressView.ForConsole(), timeout);
        return Conclude(status, workloadArgs, cl.Get("output"));
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

    /// <summary>Writes the report, prints the summary and turns the job's state into an exit code.</summary>
    public static int Conclude(JobStatus status, IReadOnlyList<string> workloadArgs, string? outputDir)
    {
        if (outputDir is not null)
        {
            var path = JobReport.Write(outputDir, status, workloadArgs);
            Console.WriteLine($"report: {path}");
        }
        var seconds = Math.Max(status.DurationMs, 1) / 1000.0;
        Console.WriteLine($"job {status.JobId} {status.State}: {status.ItemsCompleted:N0}/{status.ItemsTotal:N0} items in {status.Batches:N0} batches, " +
                          $"{seconds:F2} s ({status.ItemsCompleted / seconds:N0} items/s)");
        foreach (var n in status.Nodes)
            Console.WriteLine($"  {n.Address}: {n.Workers} workers, {n.Batches} batches, {n.Items:N0} items, busy {n.BusyMs:N0} ms");
        if (status.ResultJson is { } result)
            Console.WriteLine($"result: {Abbreviate(result, 300)}");
        if (status.State == JobPhase.Completed) return 0;
        Console.Error.WriteLine($"error: job {status.JobId} {status.State}: {status.Error ?? "no reason given"}");
        return 1;
    }

    private static string Abbreviate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
