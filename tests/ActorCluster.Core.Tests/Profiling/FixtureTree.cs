namespace ActorCluster.Core.Tests.Profiling;

/// <summary>A throwaway file system root holding recorded /proc and cgroup files.</summary>
public sealed class FixtureTree : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"ac-fixture-{Guid.NewGuid():N}");

    public FixtureTree With(string absolutePath, string content)
    {
        var path = Path.Combine(Root, absolutePath.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }

    /// <summary>A 4-core, 16 GB host with no cgroup limits mounted anywhere.</summary>
    public FixtureTree Host(int cores = 4, long totalKb = 16 * 1024 * 1024, long availableKb = 12 * 1024 * 1024, string? allowed = null) =>
        With("/sys/devices/system/cpu/online", cores == 1 ? "0" : $"0-{cores - 1}")
            .With("/proc/meminfo", $"MemTotal:       {totalKb} kB\nMemFree:        1000 kB\nMemAvailable:   {availableKb} kB\nCached:         5000 kB\n")
            .With("/proc/self/status", $"Name:\tactorcluster\nVmRSS:\t  204800 kB\nCpus_allowed_list:\t{allowed ?? (cores == 1 ? "0" : $"0-{cores - 1}")}\n")
            .With("/proc/loadavg", "0.52 0.40 0.31 1/123 4567");

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
