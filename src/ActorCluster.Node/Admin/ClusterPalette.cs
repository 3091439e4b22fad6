using ActorCluster.Core.Agents;
using ActorCluster.Core.Jobs;
using ActorCluster.Core.Net;
using ActorCluster.Protocol;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using ActorCluster.Admin.Palettes;

namespace ActorCluster.Node.Admin;

/// <summary>pbm's <c>cluster</c> palette: membership as this node sees it, and the operator's levers on it.</summary>
/// <param name="warning">Shown above the members by <c>show</c>: what an operator must not miss (no TLS off loopback).</param>
public sealed class ClusterPalette(ActorSystem system, string? warning = null) : IPalette
{
    private static readonly ArgumentDefinition AddressArgument =
        ArgumentDefinition.Switch("address", "member address, e.g. akka.tcp://actorcluster@10.0.0.5:4053", "-a", "--address").Required();

    public string Name => "cluster";
    public string Description => "membership: show, status, leader, leave, join, down, down-unreachable, tail";

    public IReadOnlyList<CommandDefinition> Commands { get; } =
    [
        new("show", "one line per member: address | roles | status | reachability | version"),
        new("status", "this node's membership"),
        new("leader", "the cluster's current leader"),
        new("leave", "this node leaves the cluster gracefully (and then stops)"),
        new("join", "join this node to the cluster at the given address", AddressArgument),
        new("down", "mark a member down (it is removed; its work is handed out again)", AddressArgument),
        new("down-unreachable", "down every member this node sees as unreachable"),
        new("tail", "stream membership, reachability and leader changes") { Streaming = true },
    ];

    private Cluster Cluster => Cluster.Get(system);

    public Task<CommandResult> ExecuteAsync(CommandCall call, CancellationToken ct) => Task.FromResult(call.Command.Name switch
    {
        "show" => Show(),
        "status" => Status(),
        "leader" => Cluster.State.Leader is { } leader ? CommandResult.Ok(leader.ToString()) : CommandResult.Ok("no leader (yet)"),
        "leave" => Leave(),
        "join" => Join(call.Get("address")!),
        "down" => Down(call.Get("address")!),
        "down-unreachable" => DownUnreachable(),
        "tail" => CommandResult.Streamed(Tail(ct)),
        _ => CommandResult.Fail($"cluster: no handler for '{call.Command.Name}'"),
    });

    /// <summary>pbm's line: <c>akka.tcp://sys@host:port | [roles] | up | reachable | 1.0.0</c>.</summary>
    public static string FormatMember(Member member, bool reachable) =>
        $"{member.Address} | [{string.Join(", ", member.Roles.Where(r => !WorkloadRoles.IsWorkloadRole(r) && !MemoryLimitRole.IsMemoryLimitRole(r)).Order(StringComparer.Ordinal))}] | {member.Status.ToString().ToLowerInvariant()} | " +
        $"{(reachable ? "reachable" : "unreachable")} | {member.AppVersion}";

    private CommandResult Show()
    {
        var state = Cluster.State;
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        // Members that are unreachable but already removed from the member list still matter to an operator.
        var members = state.Members.Concat(state.Unreachable.Where(u => !state.Members.Contains(u)))
            .OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).ToList();
        var lines = members.Select(m => FormatMember(m, !unreachable.Contains(m.UniqueAddress))).ToList();
        if (warning is not null) lines.Insert(0, $"WARNING: {warning}");
        lines.Add($"Count: {members.Count} nodes");
        return CommandResult.Ok(lines);
    }

    private CommandResult Status()
    {
        var cluster = Cluster;
        var state = cluster.State;
        var self = cluster.SelfMember;
        return CommandResult.Ok(
            FormatMember(self, true),
            $"leader: {(state.Leader is { } l ? l.ToString() : "none")}{(cluster.SelfAddress.Equals(state.Leader) ? " (this node)" : "")}",
            $"members: {state.Members.Count(m => m.Status == MemberStatus.Up)} up, {state.Unreachable.Count} unreachable, {state.Members.Count} total");
    }

    private CommandResult Leave()
    {
        var self = Cluster.SelfAddress;
        Cluster.Leave(self);
        return CommandResult.Ok($"{self} is leaving the cluster; this node stops once it has handed over its work");
    }

    private CommandResult Join(string raw)
    {
        if (!TryParseAddress(raw, out var address, out var error)) return CommandResult.Fail(error);
        Cluster.Join(address);
        return CommandResult.Ok($"joining {address}");
    }

    private CommandResult Down(string raw)
    {
        if (!TryParseAddress(raw, out var address, out var error)) return CommandResult.Fail(error);
        var state = Cluster.State;
        var known = state.Members.Concat(state.Unreachable).Any(m => m.Address.Equals(address));
        if (!known)
            return CommandResult.Fail($"{address} is not a member of this cluster (see `cluster show`)");
        Cluster.Down(address);
        return CommandResult.Ok($"downing {address}");
    }

    private CommandResult DownUnreachable()
    {
        var unreachable = Cluster.State.Unreachable.Select(m => m.Address).OrderBy(a => a.ToString(), StringComparer.Ordinal).ToList();
        foreach (var address in unreachable)
            Cluster.Down(address);
        var lines = unreachable.Select(a => $"downing {a}").ToList();
        lines.Add($"Count: {unreachable.Count} unreachable nodes downed");
        return CommandResult.Ok(lines);
    }

    private bool TryParseAddress(string raw, out Address address, out string error)
    {
        try
        {
            // Accept pbm's full address and the host:port shorthand the rest of the CLI uses.
            address = Address.Parse(raw.Contains("://", StringComparison.Ordinal) ? raw : ClusterNames.NodeAddress(HostPort.Parse(raw), Cluster.SelfAddress.Protocol.Contains("ssl")));
            if (address.Host is null || address.Port is null) throw new FormatException("no host or port");
            error = "";
            return true;
        }
        catch (Exception e) when (e is FormatException or UriFormatException or ArgumentException)
        {
            address = Address.AllSystems;
            error = $"'{raw}' is not a member address (akka.tcp://actorcluster@host:port or host:port)";
            return false;
        }
    }

    private async IAsyncEnumerable<string> Tail([EnumeratorCancellation] CancellationToken ct)
    {
        // Bounded and dropping the oldest: a client that reads slowly sees fewer events, the node keeps its memory.
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
        var forwarder = system.ActorOf(Props.Create(() => new ClusterEventForwarder(channel.Writer)));
        try
        {
            await foreach (var line in channel.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                yield return line;
        }
        finally
        {
            system.Stop(forwarder);
        }
    }

    private sealed class ClusterEventForwarder : ReceiveActor
    {
        public ClusterEventForwarder(ChannelWriter<string> lines)
        {
            Receive<ClusterEvent.IMemberEvent>(e => lines.TryWrite($"{Now()} member {Kind(e)}: {FormatMember(e.Member, true)}"));
            Receive<ClusterEvent.UnreachableMember>(e => lines.TryWrite($"{Now()} unreachable: {e.Member.Address}"));
            Receive<ClusterEvent.ReachableMember>(e => lines.TryWrite($"{Now()} reachable again: {e.Member.Address}"));
            Receive<ClusterEvent.LeaderChanged>(e => lines.TryWrite($"{Now()} leader: {e.Leader?.ToString() ?? "none"}"));
            ReceiveAny(_ => { });
        }

        protected override void PreStart() =>
            Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
                typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent), typeof(ClusterEvent.LeaderChanged));

        protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

        private static string Now() => DateTime.UtcNow.ToString("HH:mm:ss.fff");

        private static string Kind(ClusterEvent.IMemberEvent e) => e switch
        {
            ClusterEvent.MemberJoined => "joined",
            ClusterEvent.MemberUp => "up",
            ClusterEvent.MemberWeaklyUp => "weakly-up",
            ClusterEvent.MemberLeft => "left",
            ClusterEvent.MemberExited => "exited",
            ClusterEvent.MemberDowned => "downed",
            ClusterEvent.MemberRemoved => "removed",
            _ => e.GetType().Name,
        };
    }
}
