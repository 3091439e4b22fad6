using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorCluster.Node.Hosting;

/// <summary>
/// Where job coordinators keep their journal and snapshots. SQLite (a file, zero setup) is a one-machine
/// store: coordinators can fail over between nodes only if those nodes share the file. PostgreSQL is
/// the store for clusters spanning machines, because a job's coordinator may move to another node and
/// must recover there.
/// </summary>
public sealed record StorageSettings(StorageKind Kind, string ConnectionString, string Description)
{
    /// <summary>Where WithSqlPersistence puts the plugins under its default identifier, "sql".</summary>
    public const string JournalPluginId = "akka.persistence.journal.sql";
    public const string SnapshotPluginId = "akka.persistence.snapshot-store.sql";
    public const string QueryPluginId = "akka.persistence.query.journal.sql";

    /// <summary>
    /// Accepts <c>sqlite:PATH</c>, a path ending in .db, <c>Data Source=...</c>, a PostgreSQL key/value
    /// string (<c>Host=...;Database=...</c>) or a <c>postgres://user:pass@host:port/db</c> URI.
    /// Null means the default: a SQLite file in the node's data directory.
    /// </summary>
    public static StorageSettings Parse(string? db, string dataDir)
    {
        if (string.IsNullOrWhiteSpace(db))
            return Sqlite(Path.Combine(dataDir, "actorcluster.db"));
        var text = db.Trim();
        if (text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
            return Sqlite(text["sqlite:".Length..]);
        if (text.StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase))
            return Sqlite(new SqliteConnectionStringBuilder(text).DataSource);
        if (text.EndsWith(".db", StringComparison.OrdinalIgnoreCase) && !text.Contains('='))
            return Sqlite(text);
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return Postgres(FromUri(new Uri(text)));
        if (text.Contains("Host=", StringComparison.OrdinalIgnoreCase) || text.Contains("Server=", StringComparison.OrdinalIgnoreCase))
            return Postgres(text);
        throw new StorageException($"--db: '{db}' is neither a SQLite file (sqlite:PATH) nor a PostgreSQL connection string (Host=...;Database=...)");
    }

    /// <summary>A password file holds one line; anything this long is not one.</summary>
    private const int MaxPasswordFileBytes = 4096;

    /// <summary>
    /// The PostgreSQL store with the password read from <paramref name="path"/> (its first line), which `ps` does not
    /// show as it shows a --db on the command line. Docker and Kubernetes secrets are files of this kind.
    /// </summary>
    public StorageSettings WithPasswordFile(string path)
    {
        if (Kind != StorageKind.PostgreSql)
            throw new StorageException($"--db-password-file: the job store is {Description}, which takes no password");
        string password;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxPasswordFileBytes)
                throw new StorageException($"--db-password-file: '{ActorCluster.Core.Text.Echo.Shorten(path)}' has {info.Length} bytes; a password file holds one line");
            password = File.ReadLines(path).FirstOrDefault()?.TrimEnd('\r') ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"--db-password-file: cannot read '{ActorCluster.Core.Text.Echo.Shorten(path)}': {OneLine(e)}");
        }
        if (password.Length == 0)
            throw new StorageException($"--db-password-file: '{ActorCluster.Core.Text.Echo.Shorten(path)}' is empty");
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Password = password };
        return this with { ConnectionString = builder.ConnectionString };
    }

    private static StorageSettings Sqlite(string path)
    {
        var full = Path.GetFullPath(path);
        var builder = new SqliteConnectionStringBuilder { DataSource = full, Pooling = true, DefaultTimeout = 30 };
        return new StorageSettings(StorageKind.Sqlite, builder.ToString(), $"SQLite {full}");
    }

    private static StorageSettings Postgres(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new StorageException($"--db: not a valid PostgreSQL connection string: {e.Message}");
        }
        if (builder.Timeout == 15) builder.Timeout = 5; // fail fast at start-up rather than hang
        return new StorageSettings(StorageKind.PostgreSql, builder.ConnectionString,
            $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}");
    }

    private static string FromUri(Uri uri)
    {
        var userInfo = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = uri.AbsolutePath.Trim('/'),
            Username = Uri.UnescapeDataString(userInfo[0]),
        };
        if (userInfo.Length > 1) builder.Password = Uri.UnescapeDataString(userInfo[1]);
        return builder.ConnectionString;
    }

    /// <summary>
    /// Opens the store once before the node starts, so an unreachable, damaged or read-only store is a clear one-line
    /// error at start-up instead of a node that comes up half-working and logs replay errors every few seconds.
    /// </summary>
    public async Task EnsureReachableAsync(CancellationToken cancellation = default)
    {
        if (Kind == StorageKind.Sqlite)
        {
            await EnsureSqliteUsableAsync(cancellation);
            return;
        }
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync(cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new StorageException($"cannot open the job store ({Description}): {OneLine(e)}");
        }
    }

    private async Task EnsureSqliteUsableAsync(CancellationToken cancellation)
    {
        var path = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
        DataDirectory.Create(Path.GetDirectoryName(path)!);
        await using var connection = new SqliteConnection(ConnectionString);
        try
        {
            DataDirectory.CreateOwnerOnlyFile(path);
            await connection.OpenAsync(cancellation);
            // WAL lets several node processes on one machine share the file: readers never block the writer.
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellation);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw Refused(e);
        }

        // A file damaged past its header opens fine; only reading its pages shows it.
        string? check;
        try
        {
            check = await ExecuteAsync(connection, "PRAGMA quick_check(1);", cancellation);
        }
        catch (SqliteException e)
        {
            throw Refused(e);
        }
        if (check != "ok")
            throw Damaged(check ?? "no answer");

        // A write that is rolled back: a store the node cannot write would fail every job's first event instead.
        try
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellation);
            await using var probe = connection.CreateCommand();
            probe.Transaction = transaction;
            probe.CommandText = "CREATE TABLE actorcluster_write_probe (x INTEGER);";
            await probe.ExecuteNonQueryAsync(cancellation);
            await transaction.RollbackAsync(cancellation);
        }
        catch (SqliteException e)
        {
            throw Refused(e);
        }
    }

    private static async Task<string?> ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellation)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync(cancellation))?.ToString();
    }

    /// <summary>SQLite's result codes: 8 read-only, 11 corrupt, 26 not a database, 23 auth/permission (also EPERM on open).</summary>
    private StorageException Refused(Exception e) => e switch
    {
        SqliteException { SqliteErrorCode: 11 or 26 } => Damaged(e.Message),
        SqliteException { SqliteErrorCode: 8 } or UnauthorizedAccessException =>
            new StorageException($"the job store ({Description}) is read-only: {OneLine(e)}; a node must write its journal there"),
        _ => new StorageException($"cannot open the job store ({Description}): {OneLine(e)}"),
    };

    private StorageException Damaged(string detail) =>
        new($"the job store ({Description}) is damaged: {OneLine(detail)} (PRAGMA quick_check); restore it from a backup or move it aside");

    private static string OneLine(Exception e) => OneLine(e.Message);

    private static string OneLine(string text) => ActorCluster.Core.Text.Echo.Shorten(text.ReplaceLineEndings(" ").TrimEnd('.', ' '), 200);

    /// <summary>linq2db's name for this store's SQL dialect.</summary>
    public string ProviderName => Kind == StorageKind.Sqlite ? "SQLite.MS" : "PostgreSQL.15";

    /// <summary>SQLite has one writer at a time; more parallel writers only queue on its lock.</summary>
    public int JournalParallelism => Kind == StorageKind.Sqlite ? 1 : 4;
}
