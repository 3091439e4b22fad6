using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Akka.Actor;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Protocol.Client;

/// <summary>
/// Follows one job to its end, the same way for every client (submit, <c>jobs watch</c>, the bench and
/// pbm's jobs palette): a <see cref="JobSubscriber"/> watches the job, so its coordinator pushes progress
/// and the final status the moment the job ends. When pushes stop (the coordinator is moving to another
/// node, a contact point died), the follower asks for the status itself, less often the longer it stays
/// quiet, until a push or an answer comes again.
/// </summary>
/// <param name="actors">Where the subscriber lives: the client's actor system, or the node's.</param>
/// <param name="toGateway">Sends a message to a job gateway with the given sender (through ClusterClient, or directly on a node).</param>
/// <param name="askStatus">Asks a gateway for a job's status; throws when there is no answer or no such job.</param>
public sealed class JobFollower(IActorRefFactory actors, Action<object, IActorRef> toGateway, Func<string, Task<JobStatus>> askStatus)
{
    /// <summary>
    /// How often the watch is sent again: well inside the coordinator's lease (60 s) and ClusterClient's
    /// response tunnel, which closes after 60 s without a message; it also finds a coordinator that moved.
    /// </summary>
    public TimeSpan RenewEvery { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long without a push before asking; doubled while it stays quiet, up to <see cref="MaxQuiet"/>.</summary>
    public TimeSpan QuietBeforeAsking { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxQuiet { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// Long enough to ride out the loss of the coordinator's node: detection, downing and recovery
    /// elsewhere take about 20-30 s with the default failure detector and split brain resolver.
    /// </summary>
    public TimeSpan GiveUpWithoutAnswer { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The job's statuses as they change; the last one is final (the job is no longer running).</summary>
    public async IAsyncEnumerable<JobStatus> FollowAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var pushed = Channel.CreateUnbounded<JobStatus>(new UnboundedChannelOptions { SingleReader = true });
        var subscriber = actors.ActorOf(JobSubscriber.Props(jobId, toGateway, pushed.Writer, RenewEvery));
        try
        {
            var lastAnswer = Stopwatch.StartNew();
            var quiet = QuietBeforeAsking;
            while (true)
            {
                var status = await NextPushAsync(pushed.Reader, quiet, cancellation);
                if (status is null)
                {
                    status = await AskAsync(jobId, lastAnswer.Elapsed);
                    quiet = TimeSpan.FromTicks(Math.Min(quiet.Ticks * 2, MaxQuiet.Ticks));
                    if (status is null) continue;
                }
                else
                {
                    quiet = QuietBeforeAsking;
                }
                lastAnswer.Restart();
                yield return status;
                if (status.State != JobPhase.Running) yield break;
            }
        }
        finally
        {
            subscriber.Tell(PoisonPill.Instance);
        }
    }

    /// <summary>The next pushed status, or null when none came within <paramref name="quiet"/>.</summary>
    private static async Task<JobStatus?> NextPushAsync(ChannelReader<JobStatus> pushed, TimeSpan quiet, CancellationToken cancellation)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        wait.CancelAfter(quiet);
        try
        {
            return await pushed.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The status, or null when no answer came (tolerated until <see cref="GiveUpWithoutAnswer"/> has passed without one).</summary>
    private async Task<JobStatus?> AskAsync(string jobId, TimeSpan sinceLastAnswer)
    {
        try
        {
            return await askStatus(jobId);
        }
        catch (Exception e) when (e is not OperationCanceledException && sinceLastAnswer < GiveUpWithoutAnswer)
        {
            return null;
        }
    }
}
