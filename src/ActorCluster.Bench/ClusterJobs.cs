using System.Diagnostics;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol.Client;
using ActorCluster.Protocol;

namespace ActorCluster.Bench;

/// <summary>Submits jobs through <see cref="JobClient"/> and follows them to the end.</summary>
public sealed class ClusterJobs(JobClient client)
{
    public async Task<ClusterRun> RunAsync(ItemKernel kernel, TimeSpan timeout) =>
        await RunAsync(kernel.Workload, kernel.Args, timeout, kernel.FromResultJson);

    public async Task<ClusterRun> RunAsync(string workload, IReadOnlyList<string> args, TimeSpan timeout, Func<string, Digest>? readResult = null)
    {
        var clock = Stopwatch.StartNew();
        var accepted = await client.SubmitAsync(workload, args);
        using var limit = new CancellationTokenSource(timeout > clock.Elapsed ? timeout - clock.Elapsed : TimeSpan.Zero);
        JobStatus? status = null;
        var wall = 0.0;
        try
        {
            // The coordinator pushes the end the moment it happens: the wall time needs no polling, which
            // would take CPU from the nodes it measures.
            await foreach (var pushed in client.FollowAsync(accepted.JobId, limit.Token))
            {
                (status, wall) = (pushed, clock.Elapsed.TotalSeconds);
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            await client.CancelAsync(accepted.JobId);
            throw new BenchFailure($"job {accepted.JobId} ({workload} {string.Join(' ', args)}) still running after {timeout.TotalSeconds:0} s; cancelled");
        }
        if (status!.State != JobPhase.Completed)
            throw new BenchFailure($"job {status.JobId} ({workload} {string.Join(' ', args)}) ended {status.State}: {status.Error}");
        Digest? digest = status.ResultJson is { } json && readResult is not null ? readResult(json) : null;
        return new ClusterRun(status, wall, digest);
    }

    /// <summary>Submits a job and returns its id at once (for jobs the caller watches and cancels itself).</summary>
    public async Task<string> SubmitAsync(string workload, IReadOnlyList<string> args) =>
        (await client.SubmitAsync(workload, args)).JobId;

    public Task<JobStatus> StatusAsync(string jobId) => client.StatusAsync(jobId);

    public Task<JobStatus> CancelAsync(string jobId) => client.CancelAsync(jobId);
}
