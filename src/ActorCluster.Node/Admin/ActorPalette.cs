using Akka.Actor;
using ActorCluster.Admin.Palettes;

namespace ActorCluster.Node.Admin;

/// <summary>pbm's <c>actor</c> palette: the local actor tree, bounded in depth and size.</summary>
public sealed class ActorPalette(ActorSystem system) : IPalette
{
    private const int MaxLines = 2000;
    private const int MaxDepth = 32;

    public string Name => "actor";
    public string Description => "local actors: hierarchy";

    public IReadOnlyList<CommandDefinition> Commands { get; } =
    [
        new("hierarchy", "the actor tree under a path (default /user), one actor per line",
            ArgumentDefinition.Switch("depth", "levels below the root to show (default 3)", "-d", "--depth"),
            ArgumentDefinition.Switch("root", "where to start, e.g. /user, /system, /system/sharding", "-s", "--root")),
    ];

    public async Task<CommandResult> ExecuteAsync(CommandCall call, CancellationToken ct)
    {
        var depth = 3;
        if (call.Get("depth") is { } rawDepth && (!int.TryParse(rawDepth, out depth) || depth < 0 || depth > MaxDepth))
            return CommandResult.Fail($"actor hierarchy: -d must be a whole number from 0 to {MaxDepth}");
        var rootPath = call.Get("root") ?? "/user";
        if (!rootPath.StartsWith('/'))
            rootPath = "/" + rootPath;

        IActorRef root;
        if (rootPath == "/")
        {
            root = ((ExtendedActorSystem)system).Provider.RootGuardian;
        }
        else
        {
            try
            {
                root = await system.ActorSelection(rootPath).ResolveOne(TimeSpan.FromSeconds(3), ct);
            }
            catch (ActorNotFoundException)
            {
                return CommandResult.Fail($"no actor at {rootPath}");
            }
        }

        var lines = new List<string>();
        Walk(root, 0, depth, lines);
        if (lines.Count >= MaxLines)
            lines.Add($"... stopped after {MaxLines} actors; use -s and -d to narrow it down");
        return CommandResult.Ok(lines);
    }

    /// <summary>
    /// Walks children through the local actor cells: exact and instant, unlike Identify broadcasts that
    /// need a wait for replies that may never come. Remote roots have no cell and show just themselves.
    /// </summary>
    private static void Walk(IActorRef actor, int level, int maxDepth, List<string> lines)
    {
        if (lines.Count >= MaxLines) return;
        var children = actor is ActorRefWithCell withCell ? withCell.Children.OrderBy(c => c.Path.Name, StringComparer.Ordinal).ToList() : [];
        var more = level == maxDepth && children.Count > 0 ? $"  (+{children.Count} children)" : "";
        lines.Add(new string(' ', level * 2) + actor.Path.ToStringWithoutAddress() + more);
        if (level == maxDepth) return;
        foreach (var child in children)
            Walk(child, level + 1, maxDepth, lines);
    }
}
