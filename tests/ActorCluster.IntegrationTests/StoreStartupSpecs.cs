using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// A node whose store or data directory it cannot use stops at start-up with one line and a non-zero exit, instead of
/// coming up half-working and logging replay errors every few seconds.
/// </summary>
public sealed class StoreStartupSpecs : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string _dir = Directory.CreateTempSubdirectory("actorcluster-store-").FullName;
    private string? _immutable;

    public void Dispose()
    {
        if (_immutable is not null) Chattr("-i", _immutable);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Should_stop_with_one_line_on_a_store_damaged_past_its_header()
    {
        var store = CreateStore("damaged.db", rows: 2000);
        // Page 1 (the header and the schema) stays intact, so the file still opens; the table's pages do not.
        using (var file = new FileStream(store, FileMode.Open, FileAccess.Write))
        {
            file.Position = 2 * 4096;
            file.Write(Enumerable.Repeat((byte)0xA5, 4 * 4096).ToArray());
        }

        var run = await StartNodeAsync(store);

        AssertOneLine(run, $"error: the job store (SQLite {store}) is damaged: ");
    }

    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Should_stop_with_one_line_on_a_store_it_cannot_write()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes and chattr");
        var store = CreateStore("readonly.db", rows: 10);
        // What a user meets as a read-only file or file system. Root writes through file modes, so as root the file
        // is made immutable instead (chattr +i), which stops root's writes too; without that the spec cannot run.
        if (Environment.IsPrivilegedProcess)
        {
            Skip.IfNot(Chattr("+i", store), "running as root and chattr +i is not available here");
            _immutable = store;
        }
        else
            File.SetUnixFileMode(store, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var run = await StartNodeAsync(store);

        AssertOneLine(run, $"error: the job store (SQLite {store}) is read-only: ");
    }

    [Fact]
    public async Task Should_stop_with_one_line_on_a_data_directory_it_cannot_create()
    {
        var blocker = Path.Combine(_dir, "a-file");
        File.WriteAllText(blocker, "not a directory");
        var dataDir = Path.Combine(blocker, "data");

        var run = await ActorClusterProgram.RunAsync(StartTimeout, ["node", "--port", "0", "--admin-port", "off", "--data-dir", dataDir]);

        AssertOneLine(run, $"error: cannot create the data directory '{dataDir}': ");
    }

    private Task<CommandResult> StartNodeAsync(string store) =>
        ActorClusterProgram.RunAsync(StartTimeout,
            ["node", "--port", "0", "--admin-port", "off", "--data-dir", Path.Combine(_dir, "data"), "--db", $"sqlite:{store}"]);

    private static void AssertOneLine(CommandResult run, string expectedStart)
    {
        Assert.True(run.ExitCode != 0, run.ToString());
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith(expectedStart, line);
        Assert.DoesNotContain("   at ", run.Stdout + run.Stderr);
        Assert.DoesNotContain("node up", run.Stdout);
    }

    /// <summary>A SQLite file with a table of <paramref name="rows"/> 100-byte rows, closed (no -wal or -shm left).</summary>
    private string CreateStore(string name, int rows)
    {
        var path = Path.Combine(_dir, name);
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE t (x TEXT);";
            create.ExecuteNonQuery();
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.CommandText = $"INSERT INTO t VALUES ('{new string('y', 100)}');";
            for (var i = 0; i < rows; i++) insert.ExecuteNonQuery();
            transaction.Commit();
        }
        return path;
    }

    private static bool Chattr(string flag, string path)
    {
        try
        {
            using var chattr = Process.Start(new ProcessStartInfo("chattr", [flag, path]) { RedirectStandardError = true })!;
            return chattr.WaitForExit(10_000) && chattr.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no chattr on this machine
        }
    }
}
