using System.Diagnostics;
using System.Runtime.Loader;
using ActorCluster.Abstractions;
using ActorCluster.Node.Plugins;

namespace ActorCluster.Node.Tests.Plugins;

public sealed class PluginLoaderSpecs : IDisposable
{
    private readonly List<string> _folders = [];

    public void Dispose() => _folders.ForEach(d => Directory.Delete(d, recursive: true));

    private string Folder(params (string Name, byte[] Bytes)[] extra)
    {
        var dir = SamplePlugin.Folder(extra);
        _folders.Add(dir);
        return dir;
    }

    private static string Sha256Sum(string path)
    {
        var start = new ProcessStartInfo("sha256sum") { RedirectStandardOutput = true };
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var line = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return line.Split(' ')[0];
    }

    [Fact]
    public void Should_load_a_plugin_in_its_own_context_sharing_the_hosts_abstractions_with_its_hash_as_version()
    {
        var dir = Folder();

        var loaded = PluginLoader.Load(dir, ["lfsr"]);

        Assert.Empty(loaded.Errors);
        var plugin = Assert.Single(loaded.Workloads);
        Assert.Equal("audio-analysis", plugin.Workload.Name);
        Assert.Equal(Sha256Sum(Path.Combine(dir, SamplePlugin.AssemblyName + ".dll")), plugin.Version);
        Assert.NotSame(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(plugin.Workload.GetType().Assembly));
        Assert.IsAssignableFrom<IWorkload>(plugin.Workload);
    }

    [Fact]
    public void Should_share_the_abstractions_even_when_the_plugin_folder_carries_its_own_copy()
    {
        var dir = Folder(("ActorCluster.Abstractions.dll", File.ReadAllBytes(typeof(IWorkload).Assembly.Location)));

        var loaded = PluginLoader.Load(dir, []);

        Assert.Empty(loaded.Errors);
        Assert.Same(typeof(IWorkload).Assembly, Assert.Single(loaded.Workloads).Workload.GetType().GetInterface(nameof(IWorkload))!.Assembly);
    }

    [Fact]
    public void Should_give_another_copy_of_a_plugin_another_version()
    {
        var changed = File.ReadAllBytes(SamplePlugin.Dll).Append((byte)0).ToArray();
        var dir = Folder();
        File.WriteAllBytes(Path.Combine(dir, SamplePlugin.AssemblyName + ".dll"), changed);

        var original = Assert.Single(PluginLoader.Load(Folder(), []).Workloads);
        var other = Assert.Single(PluginLoader.Load(dir, []).Workloads);

        Assert.NotEqual(original.Version, other.Version);
        Assert.Equal(PluginLoader.Version(changed), other.Version);
    }

    [Fact]
    public void Should_report_a_bad_dll_in_one_line_naming_it_and_load_the_others()
    {
        var notAssembly = ("broken.dll", "MZ this is not a PE file"u8.ToArray());
        var noWorkload = ("Akka.dll", File.ReadAllBytes(typeof(Akka.Actor.ActorSystem).Assembly.Location));
        var dir = Folder(notAssembly, noWorkload);

        var loaded = PluginLoader.Load(dir, []);

        Assert.Equal("audio-analysis", Assert.Single(loaded.Workloads).Workload.Name);
        Assert.Equal(["plugin Akka.dll: no public IWorkload class in it", "plugin broken.dll: not a .NET assembly"], loaded.Errors.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Should_not_let_a_plugin_replace_a_built_in_workload()
    {
        var loaded = PluginLoader.Load(Folder(), ["audio-analysis"]);

        Assert.Empty(loaded.Workloads);
        Assert.Equal("plugin ActorCluster.Samples.AudioAnalysis.dll: workload 'audio-analysis' is already defined; this one is skipped", Assert.Single(loaded.Errors));
    }

    [Fact]
    public void Should_refuse_a_plugins_directory_that_does_not_exist()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => PluginLoader.Load("/no/such/plugins", []));

        Assert.Equal("plugins directory '/no/such/plugins' does not exist", error.Message);
    }
}
