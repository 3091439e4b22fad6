using ActorCluster.Protocol;

namespace ActorCluster.Node.Tests;

public static class WireMessages
{
    /// <summary>Every concrete ActorCluster message and journal event, found by reflection so a new one cannot be missed.</summary>
    public static IReadOnlyList<Type> Types { get; } = typeof(IActorClusterMessage).Assembly.GetTypes()
        .Where(t => typeof(IActorClusterMessage).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
        .OrderBy(t => t.Name)
        .ToList();
}
