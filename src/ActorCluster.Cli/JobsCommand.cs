using System.CommandLine;
using ActorCluster.Admin.CommandLine;
using ActorCluster.Protocol.Client;

namespace ActorCluster.Cli;

/// <summary><c>actorcluster jobs list | status|watch|cancel|result &lt;id&gt; --seed HOST:PORT</c>.</summary>
public static class JobsCommand
{
    private const string Usage = "usage: actorcluster jobs list | <status|watch|cancel|result> <job-id> --seed HOST:PORT";

    public static Command Create()
    {
        var seed = Seeds.CreateOption("contact point, repeatable (env CLUSTER_SEEDS)");
        seed.Recursive = true;
        var tls = TlsArgs.Create(recursive: true);
        var jobs = new Command("jobs", "list | status | watch | cancel | result of jobs") { seed };
        tls.AddTo(jobs);
        jobs.Add(Verb("list", "every job the cluster knows, one line each", seed, tls, takesId: false, writesReport: false));
        jobs.Add(Verb("status", "one line: state and progress", seed, tls, takesId: true, writesReport: false));
        jobs.Add(Verb("watch", "follow the job with a progress bar until it ends", seed, tls, takesId: true, writesReport: true));
        jobs.Add(Verb("cancel", "stop handing out batches; the job ends Cancelled with what was done so far", seed, tls, takesId: true, writesReport: false));
        jobs.Add(Verb("result", "print the job's report, or write DIR/report.json and DIR/results.jsonl with --output", seed, tls, takesId: true, writesReport: true));
        var cache = new Command("cache", "the result cache in the job store: `jobs cache clear` empties it on every node");
        var clear = new Command("clear", "remove every cached per-item result (later jobs compute them again)");
        clear.SetAction(parsed => ClearCacheAsync(Seeds.Resolve(parsed.GetValue(seed), "jobs"), TlsArgs.Load(tls.Resolve(parsed, "jobs"), "jobs")));
        cache.Add(clear);
        cache.SetAction(int (_) => throw new UsageException("jobs cache: usage: actorcluster jobs cache clear --seed HOST:PORT"));
        jobs.Add(cache);
        jobs.SetAction(int (_) => throw new UsageException($"jobs: {Usage}"));
        return jobs;
    }

    private static Command Verb(string name, string description, Option<string[]> seed, TlsArgs tls, bool takesId, bool writesReport)
    {
        var verb = new Command(name, description);
        var jobId = new Argument<string?>("job-id") { Description = "the id submit printed", Arity = ArgumentArity.ZeroOrOne };
        var output = CliOption.Text("--output", "DIR", "write DIR/report.json (and DIR/results.jsonl when the job has per-item results)");
        if (takesId)
        {
            verb.Add(jobId);
            verb.Validators.Add(result =>
            {
                if (result.GetValue(jobId) is null) result.AddError(Usage);
            });
        }
        if (writesReport) verb.Add(output);
        verb.SetAction(parsed => RunAsync(name, takesId ? parsed.GetValue(jobId)! : "", Seeds.Resolve(parsed.GetValue(seed), "jobs"),
            writesReport ? parsed.GetValue(output) : null, TlsArgs.Load(tls.Resolve(parsed, "jobs"), "jobs")));
        return verb;
    }

    private static async Task<int> ClearCacheAsync(IReadOnlyList<string> seeds, Core.Security.TlsIdentity? tls)
    {
        if (seeds.Count == 0)
            throw new UsageException("jobs: --seed HOST:PORT is required (or set CLUSTER_SEEDS)");
        await using var client = JobClient.Create(seeds, tls, ClientLog.Path);
        var cleared = await client.ClearCacheAsync();
        Console.WriteLine($"result cache cleared: {cleared.Entries:N0} entries, {cleared.Bytes / (1024.0 * 1024):N1} MB");
        return 0;
    }

    private static async Task<int> RunAsync(string verb, string jobId, IReadOnlyList<string> seeds, string? output, Core.Security.TlsIdentity? tls)
    {
        if (seeds.Count == 0)
            throw new UsageException("jobs: --seed HOST:PORT is required (or set CLUSTER_SEEDS)");
        await using var client = JobClient.Create(seeds, tls, ClientLog.Path);
        if (verb == "list")
        {
            var jobs = await client.ListAsync();
            foreach (var j in jobs)
                Console.WriteLine($"{j.JobId}  {j.Workload,-10} {j.State,-9} {j.ItemsCompleted}/{j.ItemsTotal} items  {j.DurationMs} ms");
            Console.WriteLine($"Count: {jobs.Count} jobs");
            return 0;
        }
        switch (verb)
        {
            case "status":
            {
                var s = await client.StatusAsync(jobId);
                Console.WriteLine($"{s.JobId} {s.State} {s.ItemsCompleted}/{s.ItemsTotal} items, {s.Batches} batches, {s.DurationMs} ms, {s.ActiveNodes} active nodes{(s.Error is null ? "" : $", {s.Error}")}");
                return 0;
            }
            case "watch":
            {
                var s = await SubmitCommand.FollowAsync(client, jobId, ProgressView.ForConsole(), null);
                return await SubmitCommand.ConcludeAsync(client, s, s.Args, output);
            }
            case "cancel":
            {
                var s = await client.CancelAsync(jobId);
                Console.WriteLine($"{s.JobId} {s.State}: {s.ItemsCompleted}/{s.ItemsTotal} items done");
                return 0;
            }
            case "result":
            {
                var s = await client.StatusAsync(jobId);
                if (output is { } dir)
                {
                    var report = JobReport.Write(dir, s, s.Args, await JobReport.TimelineAsync(client, s.JobId));
                    Console.WriteLine($"report: {report}");
                    Console.WriteLine($"report: {Path.ChangeExtension(report, ".html")}");
                    if (await JobReport.WriteResultsAsync(dir, client, s.JobId) is { } results)
                        Console.WriteLine($"results: {results}");
                }
                else
                    Console.WriteLine(JobReport.Build(s, s.Args).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(verb), verb, "not a jobs verb");
        }
    }
}
