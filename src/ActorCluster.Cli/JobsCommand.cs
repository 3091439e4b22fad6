using ActorCluster.Protocol.Client;

namespace ActorCluster.Cli;

/// <summary><c>actorcluster jobs status|watch|cancel|result &lt;id&gt; --seed HOST:PORT</c>.</summary>
public static class JobsCommand
{
    public const string Help = """
        actorcluster jobs list --seed HOST:PORT
        actorcluster jobs <status|watch|cancel|result> <job-id> --seed HOST:PORT [--output DIR]
          list     every job the cluster knows, one line each
          status   one line: state and progress
          watch    follow the job with a progress bar until it ends
          cancel   stop handing out batches; the job ends Cancelled with what was done so far
          result   print (or write with --output) the job's report
        """;

    private static readonly HashSet<string> Valued = ["seed", "output"];

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var cl = CommandLine.Parse(args, "jobs", Valued, new HashSet<string>());
        if (cl.Rest.Count == 0 || (cl.Rest[0] != "list" && cl.Rest.Count < 2))
            throw new UsageException("jobs: usage: actorcluster jobs list | <status|watch|cancel|result> <job-id> --seed HOST:PORT");
        var verb = cl.Rest[0];
        var jobId = cl.Rest.Count > 1 ? cl.Rest[1] : "";
        var seeds = Seeds.Resolve(cl, "jobs");
        if (seeds.Count == 0)
            throw new UsageException("jobs: --seed HOST:PORT is required (or set CLUSTER_SEEDS)");
        await using var client = JobClient.Create(seeds);
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
                return SubmitCommand.Conclude(s, s.Args, cl.Get("output"));
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
                if (cl.Get("output") is { } dir)
                    Console.WriteLine($"report: {JobReport.Write(dir, s, s.Args)}");
                else
                    Console.WriteLine(JobReport.Build(s, s.Args).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }
            default:
                throw new UsageException($"jobs: unknown verb '{verb}' (status, watch, cancel, result)");
        }
    }
}
