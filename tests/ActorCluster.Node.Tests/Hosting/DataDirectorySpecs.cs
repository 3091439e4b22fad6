using ActorCluster.Node.Hosting;
using Microsoft.Data.Sqlite;

namespace ActorCluster.Node.Tests.Hosting;

/// <summary>What a node creates for its store is its user's alone: directories 0700, the SQLite files 0600.</summary>
public sealed class DataDirectorySpecs : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("actorcluster-datadir-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Should_create_the_data_directory_0700_and_the_sqlite_files_0600()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        var dataDir = Path.Combine(_root, "node", "data");
        var storage = StorageSettings.Parse(null, dataDir);

        DataDirectory.Create(dataDir);
        await storage.EnsureReachableAsync(TestContext.Current.CancellationToken);
        // The pooled connection keeps the WAL open, as the node's journal does while it runs.
        var files = Directory.GetFiles(dataDir).Select(Path.GetFileName).Order().ToList();

        Assert.Equal(["actorcluster.db", "actorcluster.db-shm", "actorcluster.db-wal"], files);
        Assert.Equal(DataDirectory.OwnerOnlyDirectory, File.GetUnixFileMode(dataDir));
        Assert.Equal(DataDirectory.OwnerOnlyDirectory, File.GetUnixFileMode(Path.Combine(_root, "node")));
        Assert.All(files, f => Assert.Equal(DataDirectory.OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(dataDir, f!))));
    }
}
