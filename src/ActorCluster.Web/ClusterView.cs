using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster;
using ActorCluster.Node.Agents;
using ActorCluster.Protocol;

namespace ActorCluster.Web;

/// <summary>
/// The cluster as this node sees it (Akka.Cluster's state) plus each member's own figures, asked of its
/// <see cref="NodeFiguresReporter"/> in parallel; a member that does not answer in time is listed without them.
/// </summary>
public sealed class ClusterView(ActorSystem system)
{
    private static readonly TimeSpan FiguresTimeout = TimeSpan.FromSeconds(2);

    public async Task<JsonObject> SnapshotAsync(CancellationToken ct)
    {
        var cluster = Cluster.Get(system);
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        var members = state.Members.OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).ToList();
        var figures = await Task.WhenAll(members.Select(async m =>
        {
            if (unreachable.Contains(m.UniqueAddress) || m.Status is not (MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving)) return null;
            try
            {
                return await system.ActorSelection(new RootActorPath(m.Address) / "user" / NodeFiguresReporter.Name)
                    .Ask<NodeFigures>(new GetNodeFigures(), FiguresTimeout, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested) { return null; }
        }));
        var list = new JsonArray();
        for (var i = 0; i < members.Count; i++)
        {
            var m = members[i];
            var node = new JsonObject
            {
                ["address"] = m.Address.ToString(),
                ["self"] = m.Address.Equals(cluster.SelfAddress),
                ["status"] = m.Status.ToString().ToLowerInvariant(),
                ["reachable"] = !unreachable.Contains(m.UniqueAddress),
                ["roles"] = new JsonArray(m.Roles.Order(StringComparer.Ordinal).Select(r => (JsonNode?)r).ToArray()),
                ["leader"] = m.Address.Equals(state.Leader),
            };
            if (figures[i] is { } f) node["figures"] = ApiJson.Figures(f);
            list.Add(node);
        }
        return new JsonObject { ["self"] = cluster.SelfAddress.ToString(), ["leader"] = state.Leader?.ToString(), ["members"] = list };
    }
}
