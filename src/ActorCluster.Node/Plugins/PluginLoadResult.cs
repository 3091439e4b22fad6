using ActorCluster.Core.Jobs;

namespace ActorCluster.Node.Plugins;

/// <summary>The workloads a plugins directory provided, and one line for each file that it could not use.</summary>
public sealed record PluginLoadResult(IReadOnlyList<InstalledWorkload> Workloads, IReadOnlyList<string> Errors);
