namespace ActorCluster.Core.Profiling;

/// <summary>
/// Reads small text files under a root. The root is "/" on a real machine and a fixture directory in
/// tests, which is what lets every parser run on recorded cgroup v1, v2 and no-cgroup trees.
/// </summary>
public sealed class FileTree(string root)
{
    public string Root { get; } = root;

    public bool IsRealRoot => Root == "/";

    /// <summary>Maps an absolute path of the machine (e.g. <c>/sys/fs/cgroup/cpu.max</c>) into this tree.</summary>
    public string Map(string absolute) => Path.Combine(Root, absolute.TrimStart('/'));

    public string? Read(string absolute)
    {
        var path = Map(absolute);
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // cgroup files can vanish or be unreadable in locked-down containers: treat as absent.
            return null;
        }
    }

    public bool DirectoryExists(string absolute) => Directory.Exists(Map(absolute));
}
