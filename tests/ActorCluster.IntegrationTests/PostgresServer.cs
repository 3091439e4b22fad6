using System.Diagnostics;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// A real PostgreSQL 15 server for the tests: initdb into a temp directory, started with pg_ctl as the
/// `postgres` user on a free loopback port, stopped and deleted on dispose. With ACTORCLUSTER_TEST_PG
/// set, that server is used instead. Never skipped: a machine that cannot start PostgreSQL fails the tests.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _listen;
    private readonly string? _clients;
    private string? _dataDir;
    private int _port;

    public PostgresServer() : this("127.0.0.1", clients: null)
    {
    }

    /// <summary>
    /// A server of its own (never ACTORCLUSTER_TEST_PG) listening on <paramref name="listen"/> that also lets in
    /// <paramref name="clients"/> (a CIDR): the multi-host specs reach it from network namespaces over their bridge.
    /// </summary>
    internal PostgresServer(string listen, string? clients)
    {
        _listen = listen;
        _clients = clients;
    }

    public string ConnectionString { get; private set; } = "";

    /// <summary>The port of a server of its own (0 for ACTORCLUSTER_TEST_PG's).</summary>
    public int Port => _port;

    public async Task InitializeAsync()
    {
        if (_clients is null && Environment.GetEnvironmentVariable("ACTORCLUSTER_TEST_PG") is { Length: > 0 } external)
        {
            ConnectionString = external;
            return;
        }
        _port = LocalCluster.FreePort();
        _dataDir = Path.Combine(Path.GetTempPath(), $"actorcluster-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dataDir);
        await Run("chown", "postgres", _dataDir);
        await AsPostgres("initdb", "-D", _dataDir, "--auth=trust", "-U", "postgres", "--no-sync");
        if (_clients is not null)
            await File.AppendAllTextAsync(Path.Combine(_dataDir, "pg_hba.conf"), $"\nhost all all {_clients} trust\n");
        await AsPostgres("pg_ctl", "-D", _dataDir, "-l", Path.Combine(_dataDir, "server.log"), "-w", "-t", "60",
            "-o", $"-p {_port} -h {_listen} -k {_dataDir} -c fsync=off -c max_connections=200", "start");
        await AsPostgres("createdb", "-h", _listen, "-p", _port.ToString(), "-U", "postgres", "actorcluster");
        ConnectionString = $"Host={_listen};Port={_port};Database=actorcluster;Username=postgres;Pooling=true";
    }

    /// <summary>A fresh database on this server, so tests do not see each other's jobs.</summary>
    public async Task<string> NewDatabaseAsync()
    {
        var name = "ac_" + Guid.NewGuid().ToString("N")[..10];
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE {name}";
        await command.ExecuteNonQueryAsync();
        return new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_dataDir is null) return;
        try { await AsPostgres("pg_ctl", "-D", _dataDir, "-m", "immediate", "-w", "stop"); } catch (InvalidOperationException) { }
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static Task AsPostgres(params string[] command) => Run("runuser", ["-u", "postgres", "--", .. command]);

    private static async Task Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"PostgreSQL setup failed: {file} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}{await stdout}");
    }
}
