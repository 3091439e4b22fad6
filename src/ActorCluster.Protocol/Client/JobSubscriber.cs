using System.Threading.Channels;
using Akka.Actor;

namespace ActorCluster.Protocol.Client;

/// <summary>
/// The client end of a <see cref="WatchJob"/>: an actor in the follower's own actor system, because a
/// ClusterClient Ask keeps only the first reply. It renews the watch on a timer and hands every status
/// the coordinator pushes to the <see cref="JobFollower"/>. A <see cref="JobNotFound"/> is left to the
/// follower's own questions, which keep asking while a moving coordinator recovers the job.
/// </summary>
internal sealed class JobSubscriber : ReceiveActor, IWithTimers
{
    private readonly string _jobId;
    private readonly Action<object, IActorRef> _toGateway;
    private readonly ChannelWriter<JobStatus> _pushed;
    private readonly TimeSpan _renewEvery;

    public ITimerScheduler Timers { get; set; } = null!;

    public JobSubscriber(string jobId, Action<object, IActorRef> toGateway, ChannelWriter<JobStatus> pushed, TimeSpan renewEvery)
    {
        (_jobId, _toGateway, _pushed, _renewEvery) = (jobId, toGateway, pushed, renewEvery);
        Receive<JobStatus>(status => status.JobId == _jobId, status => _pushed.TryWrite(status));
        Receive<RenewWatch>(_ => Watch());
        ReceiveAny(_ => { });
    }

    public static Props Props(string jobId, Action<object, IActorRef> toGateway, ChannelWriter<JobStatus> pushed, TimeSpan renewEvery) =>
        Akka.Actor.Props.Create(() => new JobSubscriber(jobId, toGateway, pushed, renewEvery));

    protected override void PreStart()
    {
        Watch();
        Timers.StartPeriodicTimer(nameof(RenewWatch), RenewWatch.Instance, _renewEvery);
    }

    protected override void PostStop() => _pushed.TryComplete();

    private void Watch() => _toGateway(new WatchJob(_jobId), Self);
}

/// <summary>The subscriber's timer: send the watch again.</summary>
internal sealed class RenewWatch : INoSerializationVerificationNeeded
{
    public static readonly RenewWatch Instance = new();
}
