using ActorCluster.Protocol.Processes;

namespace ActorCluster.Node.Tests.Plugins;

/// <summary>The sample audio plugin as built, and plugin folders made from it for a spec.</summary>
internal static class SamplePlugin
{
    public const string AssemblyName = "ActorCluster.Samples.AudioAnalysis";

    public static string Dll => BuiltPrograms.Locate(AssemblyName, AssemblyName, AppContext.BaseDirectory);

    /// <summary>A fresh directory holding a copy of the sample plugin and the given extra files.</summary>
    public static string Folder(params (string Name, byte[] Bytes)[] extra)
    {
        var dir = Directory.CreateTempSubdirectory("plugins-").FullName;
        File.Copy(Dll, Path.Combine(dir, AssemblyName + ".dll"));
        foreach (var (name, bytes) in extra)
            File.WriteAllBytes(Path.Combine(dir, name), bytes);
        return dir;
    }
}
