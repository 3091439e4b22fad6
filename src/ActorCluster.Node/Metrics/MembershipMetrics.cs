using Akka.Actor;
using Akka.Cluster;

namespace ActorCluster.Node.Metrics;

/// <summary>Counts the cluster's membership and reachability events as this node sees them (<see cref="ActorClusterMetrics.MemberEvents"/>).</summary>
public sealed class MembershipMetrics : ReceiveActor
{
    public MembershipMetrics()
    {
        Receive<ClusterEvent.IMemberEvent>(e => Count(e switch
        {
            ClusterEvent.MemberJoined => "joined",
            ClusterEvent.MemberWeaklyUp => "weakly_up",
            ClusterEvent.MemberUp => "up",
            ClusterEvent.MemberLeft => "left",
            ClusterEvent.MemberExited => "exited",
            ClusterEvent.MemberDowned => "downed",
            ClusterEvent.MemberRemoved => "removed",
            _ => "other",
        }));
        Receive<ClusterEvent.UnreachableMember>(_ => Count("unreachable"));
        Receive<ClusterEvent.ReachableMember>(_ => Count("reachable"));
    }

    protected override void PreStart() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private static void Count(string name) =>
        ActorClusterMetrics.MemberEvents.Add(1, new KeyValuePair<string, object?>("event", name));

    public static Props Props() => Akka.Actor.Props.Create(() => new MembershipMetrics());
}
