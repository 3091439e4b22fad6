using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ActorCluster.Core.Agents;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Node.Jobs;

/// <summary>
/// Knows which worker nodes are up, from cluster membership. Coordinators announce jobs through it and
/// learn from it when a worker node is lost (unreachable or removed) so its batches can go back.
/// Keeping membership here keeps the coordinator free of cluster types, and testable with a probe.
/// It also knows what each worker node runs (its <see cref="WorkloadRoles"/>), so a job is announced only to
/// nodes that run its workload in the job's version, and the memory limit each advertises (its <see cref="MemoryLimitRole"/>).
/// </summary>
public sealed class WorkerDirectory : ReceiveActor
{
    public const string WorkerRole = "worker";

    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly HashSet<Address> _upWorkers = [];
    private readonly Dictionary<Address, IReadOnlySet<WorkloadId>> _workloads = [];
    private readonly Dictionary<Address, long?> _memoryLimits = [];
    private readonly HashSet<Address> _unreachable = [];
    private readonly HashSet<IActorRef> _subscribers = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public WorkerDirectory()
    {
        Receive<ClusterEvent.MemberUp>(m => MemberAvailable(m.Member));
        Receive<ClusterEvent.MemberWeaklyUp>(m => MemberAvailable(m.Member));
        Receive<ClusterEvent.ReachableMember>(m =>
        {
            _unreachable.Remove(m.Member.Address);
            if (IsWorker(m.Member) && (m.Member.Status == MemberStatus.Up || m.Member.Status == MemberStatus.WeaklyUp))
                MemberAvailable(m.Member);
        });
        Receive<ClusterEvent.UnreachableMember>(m =>
        {
            _unreachable.Add(m.Member.Address);
            Lost(m.Member.Address, "unreachable");
        });
        Receive<ClusterEvent.MemberRemoved>(m =>
        {
            _upWorkers.Remove(m.Member.Address);
            _unreachable.Remove(m.Member.Address);
            _workloads.Remove(m.Member.Address);
            _memoryLimits.Remove(m.Member.Address);
            Lost(m.Member.Address, "removed from the cluster");
        });
        Receive<ClusterEvent.MemberLeft>(m => _upWorkers.Remove(m.Member.Address));
        Receive<ClusterEvent.MemberExited>(m => _upWorkers.Remove(m.Member.Address));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<WatchWorkerNodes>(m =>
        {
            if (_subscribers.Add(m.Subscriber))
                Context.Watch(m.Subscriber);
        });
        Receive<Terminated>(m => _subscribers.Remove(m.ActorRef));
        Receive<GetWorkerMemoryLimits>(m => Sender.Tell(new WorkerMemoryLimits(
            Available().Where(a => m.Requires is not { } id || Runs(a, id)).Select(a => _memoryLimits.GetValueOrDefault(a)).ToList())));
        Receive<AnnounceToAgents>(m =>
        {
            var targets = m.OnlyTo is { } only ? _upWorkers.Where(a => a == only) : Available();
            foreach (var node in targets.Where(a => m.Except?.Contains(a) != true && (m.Requires is not { } id || Runs(a, id))))
                Context.ActorSelection(new RootActorPath(node) / "user" / "node-agent").Tell(m.Message, Sender);
        });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new WorkerDirectory());

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private static bool IsWorker(Member member) => member.HasRole(WorkerRole);

    private void MemberAvailable(Member member)
    {
        if (!IsWorker(member)) return;
        _upWorkers.Add(member.Address);
        _workloads[member.Address] = WorkloadRoles.Parse(member.Roles);
        _memoryLimits[member.Address] = MemoryLimitRole.Parse(member.Roles);
        foreach (var subscriber in _subscribers)
            subscriber.Tell(new WorkerNodeUp(member.Address));
    }

    private IEnumerable<Address> Available() => _upWorkers.Where(a => !_unreachable.Contains(a));

    private bool Runs(Address node, WorkloadId id) => _workloads.TryGetValue(node, out var runs) && runs.Contains(id);

    private void Lost(Address node, string why)
    {
        _log.Info("worker node {0} is {1}", node, why);
        foreach (var subscriber in _subscribers)
            subscriber.Tell(new WorkerNodeLost(node, why));
    }
}
