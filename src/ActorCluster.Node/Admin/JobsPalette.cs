using System.Diagnostics;
using System.Runtime.CompilerServices;
using Akka.Actor;
using ActorCluster.Core.Jobs;
using ActorCluster.Admin.Palettes;
using ActorCluster.Protocol;
using ActorCluster.Protocol.Client;

namespace ActorCluster.Node.Admin;

/// <summary>The <c>jobs</c> palette: the cluster's jobs through this node's job gateway.</summary>
public sealed class JobsPalette(ActorSystem system, IActorRef gateway) : IPalette
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private static readonly ArgumentDefinition JobId = ArgumentDefinition.Position("job-id", "the id `submit` printed, e.g. j-20261123-151822-3fa9c1");

    public string Name => "jobs";
    public string Description => "jobs of the whole cluster: list, show, cancel, watch";

    public IReadOnlyList<CommandDefinition> Commands { get; } =
    [
        new("list", "every job the cluster knows, one line each"),
        new("show", "a job's progress, throughput per node and batch size", JobId),
        new("cancel", "stop handing out the job's batches; it ends Cancelled with what was done", JobId),
        new("watch", "stream a job's progress until it ends", JobId) { Streaming = true },
    ];

    public async Task<CommandResult> ExecuteAsync(CommandCall call, CancellationToken ct)
    {
        switch (call.Command.Name)
        {
            case "list":
            {
                var list = await gateway.Ask<JobList>(new ListJobs(), AskTimeout, ct);
                var lines = list.Jobs.Select(j =>
                    $"{j.JobId} | {j.Workload} | {j.State.ToString().ToLowerInvariant()} | {j.ItemsCompleted:N0}/{j.ItemsTotal:N0} items | {j.DurationMs / 1000.0:F1} s").ToList();
                lines.Add($"Count: {list.Jobs.Count} jobs");
                return CommandResult.Ok(lines);
            }
            case "show":
                return await StatusOf(call.Get("job-id")!, ct) is { } status ? CommandResult.Ok(Describe(status)) : NotFound(call);
            case "cancel":
            {
                var reply = await gateway.Ask<object>(new CancelJob(call.Get("job-id")!), AskTimeout, ct);
                return reply is JobStatus s
                    ? CommandResult.Ok($"{s.JobId} {s.State.ToString().ToLowerInvariant()}: {s.ItemsCompleted:N0}/{s.ItemsTotal:N0} items done")
                    : NotFound(call);
            }
            case "watch":
            {
                var first = await StatusOf(call.Get("job-id")!, ct);
                return first is null ? NotFound(call) : CommandResult.Streamed(Watch(first, ct));
            }
            default:
                return CommandResult.Fail($"jobs: no handler for '{call.Command.Name}'");
        }
    }

    private static CommandResult NotFound(CommandCall call) => CommandResult.Fail($"no job '{call.Get("job-id")}'");

    private async Task<JobStatus?> StatusOf(string jobId, CancellationToken ct) =>
        await gateway.Ask<object>(new GetJobStatus(jobId), AskTimeout, ct) as JobStatus;

    public static IEnumerable<string> Describe(JobStatus s)
    {
        var seconds = Math.Max(s.DurationMs, 1) / 1000.0;
        var percent = s.ItemsTotal == 0 ? 100 : 100.0 * s.ItemsCompleted / s.ItemsTotal;
        yield return $"job {s.JobId} | {s.Workload} | {s.State.ToString().ToLowerInvariant()}";
        yield return $"progress: {s.ItemsCompleted:N0}/{s.ItemsTotal:N0} items ({percent:F1}%) in {s.Batches:N0} batches, {seconds:F1} s";
        yield return $"throughput: {s.ItemsCompleted / seconds:N0} items/s; batch size: {(s.Batches == 0 ? 0 : s.ItemsCompleted / s.Batches):N0} items on average";
        yield return $"nodes: {s.ActiveNodes} active; items run more than once: {s.ItemsExecutedMoreThanOnce:N0}";
        foreach (var n in s.Nodes.OrderBy(n => n.Address, StringComparer.Ordinal))
            yield return $"  {n.Address} | {n.Workers} workers | {n.Batches:N0} batches | {n.Items:N0} items | {n.Items / seconds:N0} items/s | busy {n.BusyMs:N0} ms";
        if (s.Error is { } error) yield return $"error: {error}";
    }

    /// <summary>A line when the job's progress changed, at most one a second, then the summary of its end.</summary>
    private async IAsyncEnumerable<string> Watch(JobStatus first, [EnumeratorCancellation] CancellationToken ct)
    {
        var lastLine = "";
        var sinceLine = Stopwatch.StartNew();
        List<string> Lines(JobStatus status)
        {
            var lines = new List<string>();
            var line = $"{DateTime.UtcNow:HH:mm:ss} {status.JobId} {status.State.ToString().ToLowerInvariant()} " +
                       $"{status.ItemsCompleted:N0}/{status.ItemsTotal:N0} items, {status.Batches:N0} batches, {status.ActiveNodes} nodes";
            var ended = status.State != JobPhase.Running;
            if (line[9..] != lastLine && (ended || lastLine == "" || sinceLine.Elapsed >= TimeSpan.FromSeconds(1)))
            {
                lines.Add(line);
                lastLine = line[9..];
                sinceLine.Restart();
            }
            if (ended) lines.AddRange(Describe(status));
            return lines;
        }

        foreach (var line in Lines(first)) yield return line;
        if (first.State != JobPhase.Running) yield break;
        var follower = new JobFollower(system, (message, sender) => gateway.Tell(message, sender),
            async jobId => await StatusOf(jobId, ct) ?? throw new InvalidOperationException($"no job '{jobId}'"));
        await foreach (var status in follower.FollowAsync(first.JobId, ct))
        {
            foreach (var line in Lines(status)) yield return line;
        }
    }
}
