using System.Reflection;
using System.Security.Cryptography;
using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;
using ActorCluster.Core.Text;

namespace ActorCluster.Node.Plugins;

/// <summary>
/// Loads users' workloads from a plugins directory: every <c>DIR/NAME.dll</c>, and <c>DIR/NAME/NAME.dll</c> for a
/// plugin that brings dependencies of its own (they stay in its folder). Each plugin gets its own
/// <see cref="PluginLoadContext"/>; its version is the SHA-256 of the very bytes loaded, so nodes agree on a
/// plugin only when they hold the same file. A file that is not an assembly, cannot be loaded or has no
/// <see cref="IWorkload"/> is a one-line error naming it; the other plugins load regardless.
/// </summary>
public static class PluginLoader
{
    private static readonly string SharedFile = typeof(IWorkload).Assembly.GetName().Name + ".dll";

    /// <param name="taken">Names already in use (the built-in workloads): a plugin may not replace one.</param>
    public static PluginLoadResult Load(string directory, IEnumerable<string> taken)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"plugins directory '{Echo.Shorten(directory, 200)}' does not exist");
        var names = new HashSet<string>(taken, StringComparer.Ordinal);
        var loaded = new List<InstalledWorkload>();
        var errors = new List<string>();
        foreach (var file in PluginFiles(directory))
        {
            var display = Path.GetRelativePath(directory, file);
            try
            {
                foreach (var workload in LoadOne(file, display))
                {
                    if (!names.Add(workload.Workload.Name))
                        errors.Add($"plugin {display}: workload '{Echo.Shorten(workload.Workload.Name)}' is already defined; this one is skipped");
                    else
                        loaded.Add(workload);
                }
            }
            catch (PluginException e)
            {
                errors.Add(e.Message);
            }
        }
        return new PluginLoadResult(loaded, errors);
    }

    /// <summary>SHA-256 of a plugin's bytes in lowercase hex: its version.</summary>
    public static string Version(ReadOnlySpan<byte> assembly) => Convert.ToHexStringLower(SHA256.HashData(assembly));

    private static IEnumerable<string> PluginFiles(string directory)
    {
        var top = Directory.EnumerateFiles(directory, "*.dll", SearchOption.TopDirectoryOnly)
            .Where(f => !string.Equals(Path.GetFileName(f), SharedFile, StringComparison.OrdinalIgnoreCase));
        var nested = Directory.EnumerateDirectories(directory)
            .Select(d => Path.Combine(d, Path.GetFileName(d) + ".dll"))
            .Where(File.Exists);
        return top.Concat(nested).Order(StringComparer.Ordinal);
    }

    private static List<InstalledWorkload> LoadOne(string file, string display)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PluginException($"plugin {display}: cannot read it: {e.Message}");
        }
        Assembly assembly;
        try
        {
            // From the bytes just hashed, so the version is that of the code that runs.
            assembly = new PluginLoadContext(file).LoadFromStream(new MemoryStream(bytes));
        }
        catch (BadImageFormatException)
        {
            throw new PluginException($"plugin {display}: not a .NET assembly");
        }
        catch (Exception e)
        {
            throw new PluginException($"plugin {display}: cannot be loaded: {OneLine(e.Message)}");
        }
        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (Exception e)
        {
            throw new PluginException($"plugin {display}: its types cannot be loaded: {OneLine(e is ReflectionTypeLoadException r ? r.LoaderExceptions.FirstOrDefault()?.Message ?? e.Message : e.Message)}");
        }
        var version = Version(bytes);
        var workloads = new List<InstalledWorkload>();
        foreach (var type in types.Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IWorkload).IsAssignableFrom(t)))
        {
            if (type.GetConstructor(Type.EmptyTypes) is null)
                throw new PluginException($"plugin {display}: {type.FullName} needs a public constructor without parameters");
            try
            {
                var workload = (IWorkload)Activator.CreateInstance(type)!;
                if (workload.Name is null || !WorkloadRoles.IsValidName(workload.Name))
                    throw new PluginException($"plugin {display}: {type.FullName}'s name '{Echo.Shorten(workload.Name ?? "")}' is not 1 to 64 letters, digits, '-', '_' or '.'");
                workloads.Add(new InstalledWorkload(workload, version));
            }
            catch (PluginException)
            {
                throw;
            }
            catch (Exception e)
            {
                throw new PluginException($"plugin {display}: creating {type.FullName} failed: {OneLine((e.InnerException ?? e).Message)}");
            }
        }
        if (workloads.Count == 0)
            throw new PluginException($"plugin {display}: no public IWorkload class in it");
        return workloads;
    }

    private static string OneLine(string message) => Echo.Shorten(message.ReplaceLineEndings(" "), 200);

    private sealed class PluginException(string message) : Exception(message);
}
