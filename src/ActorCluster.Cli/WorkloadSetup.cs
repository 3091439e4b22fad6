using ActorCluster.Core.Jobs;
using ActorCluster.Node.Plugins;
using ActorCluster.Workloads;

namespace ActorCluster.Cli;

/// <summary>The workloads a node or a client knows: the built-in ones and those of a plugins directory.</summary>
public static class WorkloadSetup
{
    public const string PluginsVariable = "ACTORCLUSTER_PLUGINS";
    public const string AllowExecVariable = "ACTORCLUSTER_ALLOW_EXEC";

    /// <summary>
    /// A node's registry. Every node knows exec (a coordinator prepares and aggregates exec jobs without running
    /// a command); only with <paramref name="allowExec"/> does its agent run exec batches. A plugin that cannot be
    /// used is one line on <paramref name="errors"/>; the node starts with the rest.
    /// </summary>
    public static WorkloadRegistry ForNode(bool allowExec, string? pluginsDir, TextWriter errors)
    {
        var builtIn = BuiltInWorkloads.All.Select(w => w.Name == ExecWorkload.WorkloadName
            ? WorkloadRegistry.BuiltIn(w, runsHere: allowExec, optIn: ExecWorkload.OptIn)
            : WorkloadRegistry.BuiltIn(w));
        return WorkloadRegistry.Of([.. builtIn, .. Plugins(pluginsDir, errors, "node")]);
    }

    /// <summary>What a client knows for help: the built-ins and, when given, a plugins directory's workloads.</summary>
    public static WorkloadRegistry ForClient(string? pluginsDir, TextWriter errors) =>
        WorkloadRegistry.Of([.. BuiltInWorkloads.All.Select(w => WorkloadRegistry.BuiltIn(w)), .. Plugins(pluginsDir, errors, "submit")]);

    private static IReadOnlyList<InstalledWorkload> Plugins(string? dir, TextWriter errors, string command)
    {
        if (dir is null) return [];
        PluginLoadResult loaded;
        try
        {
            loaded = PluginLoader.Load(dir, BuiltInWorkloads.All.Select(w => w.Name));
        }
        catch (DirectoryNotFoundException e)
        {
            throw new UsageException($"{command}: {e.Message}");
        }
        foreach (var error in loaded.Errors)
            errors.WriteLine($"error: {error}");
        return loaded.Workloads;
    }
}
