using Akka.Actor;
using Akka.Event;
using ActorCluster.Core.Profiling;

namespace ActorCluster.Node.Agents;

/// <summary>
/// Takes a resource snapshot every few seconds and tells it to the node agent, which replans and resizes
/// its pool from it. Sampling is its own actor so a slow /proc read never holds up the agent's messages.
/// </summary>
public sealed class ResourceSampler : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ITimerScheduler Timers { get; set; } = null!;

    public ResourceSampler(IActorRef subscriber, Func<ResourceSnapshot> sample, TimeSpan interval)
    {
        Receive<Tick>(_ =>
        {
            try
            {
                subscriber.Tell(new ResourceSampled(sample()));
            }
            catch (Exception e)
            {
                // A file that cannot be read this time must not stop sampling for good.
                _log.Warning("resource sample failed: {0}", e.Message);
            }
        });
        Timers.StartPeriodicTimer("sample", Tick.Instance, TimeSpan.Zero, interval);
    }

    public static Props Props(IActorRef subscriber, Func<ResourceSnapshot> sample, TimeSpan interval) =>
        Akka.Actor.Props.Create(() => new ResourceSampler(subscriber, sample, interval));

    private sealed class Tick : INoSerializationVerificationNeeded
    {
        public static readonly Tick Instance = new();
    }
}
