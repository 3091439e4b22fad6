using System.Diagnostics;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol.Client;
using ActorCluster.Protocol;

namespace ActorCluster.Bench;

/// <summary>
/// One job on the cluster: the coordinator's own duration (start to end, from <see cref="JobStatus.DurationMs"/>)
/// and the wall time from just before submit until the client saw <c>Completed</c>.
/// </summary>
public sealed record ClusterRun(JobStatus Status, double WallSeconds, Digest? Digest)
{
    public double CoordinatorSeconds => Status.DurationMs / 1000.0;
}

/// <summary>Submits jobs through <see cref="JobClient"/> and follows them with fast polling.</summary>
public sealed class ClusterJobs(JobClient client)
{
    /// <summary>
    /// How often a running job's status is asked for at first; bounds the wall-time error of short jobs.
    /// Longer jobs are asked less often (at most every <see cref="MaxPollInterval"/>, about 2% of the time
    /// elapsed), so the polling itself does not take CPU from the nodes it measures.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    public async Task<ClusterRun> RunAsync(ItemKernel kernel, TimeSpan timeout) =>
        await RunAsync(kernel.Workload, kernel.Args, timeout, kernel.FromResultJson);

    public async Task<ClusterRun> RunAsync(string workload, IReadOnlyList<string> args, TimeSpan timeout, Func<string, Digest>? readResult = null)
    {
        var clock = Stopwatch.StartNew();
        var accepted = await client.SubmitAsync(workload, args);
        while (true)
        {
            var status = await client.StatusAsync(accepted.JobId);
            if (status.State != JobPhase.Running)
            {
                var wall = clock.Elapsed.TotalSeconds;
                if (status.State != JobPhase.Completed)
                    throw new BenchFailure($"job {status.JobId} ({workload} {string.Join(' ', args)}) ended {status.State}: {status.Error}");
                Digest? digest = status.ResultJson is { } json && readResult is not null ? readResult(json) : null;
                return new ClusterRun(status, wall, digest);
            }
            if (clock.Elapsed > timeout)
            {
                await client.CancelAsync(accepted.JobId);
                throw new BenchFailure($"job {accepted.JobId} ({workload} {string.Join(' ', args)}) still running after {timeout.TotalSeconds:0} s; cancelled");
            }
            await Task.Delay(NextPoll(clock.Elapsed));
        }
    }

    private TimeSpan NextPoll(TimeSpan elapsed) =>
        TimeSpan.FromTicks(Math.Clamp(elapsed.Ticks / 50, PollInterval.Ticks, Math.Max(PollInterval.Ticks, MaxPollInterval.Ticks)));

    /// <summary>Submits a job and returns its id at once (for jobs the caller watches and cancels itself).</summary>
    public async Task<string> SubmitAsync(string workload, IReadOnlyList<string> args) =>
        (await client.SubmitAsync(workload, args)).JobId;

    public Task<JobStatus> StatusAsync(string jobId) => client.StatusAsync(jobId);

    public Task<JobStatus> CancelAsync(string jobId) => client.CancelAsync(jobId);
}

/// <summary>The benchmark cannot go on (wrong result, a job that failed, a node that would not start).</summary>
public sealed class BenchFailure(string message) : Exception(message);
