using System.Reflection;
using System.Runtime.Loader;
using ActorCluster.Abstractions;

namespace ActorCluster.Node.Plugins;

/// <summary>
/// One plugin's own load context: its dependencies resolve next to it (its .deps.json), while
/// ActorCluster.Abstractions always comes from the host, so the plugin's <see cref="IWorkload"/> is the
/// host's type and the cast succeeds even when the plugin folder carries its own copy of that DLL.
/// Not collectible: a node keeps its plugins until it stops, and a running job may hold their objects.
/// </summary>
internal sealed class PluginLoadContext(string pluginPath) : AssemblyLoadContext($"plugin:{Path.GetFileName(pluginPath)}")
{
    private static readonly string SharedName = typeof(IWorkload).Assembly.GetName().Name!;
    private readonly AssemblyDependencyResolver _resolver = new(pluginPath);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name == SharedName)
            return null; // the default context: the host's copy
        return _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
