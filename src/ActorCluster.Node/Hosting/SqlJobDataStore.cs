using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using ActorCluster.Core.Jobs;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorCluster.Node.Hosting;

/// <summary>
/// <see cref="IJobDataStore"/> in the job store's own database (the SQLite file or PostgreSQL database the journal
/// uses), in three tables it creates on first use: <c>actorcluster_manifest</c> (a job's manifest chunks),
/// <c>actorcluster_records</c> (a job's record blocks by first item) and <c>actorcluster_cache</c> (the result
/// cache, keyed by scope and the SHA-256 of the item key, so long paths stay within PostgreSQL's index limits).
/// The cache is kept under <paramref name="maxCacheBytes"/>: past it, the least recently used entries go until
/// it is under 90% of it again.
/// </summary>
public sealed class SqlJobDataStore(StorageSettings storage, long maxCacheBytes) : IJobDataStore
{
    private readonly Lock _gate = new();
    private bool _created;
    private long _cachePutsSinceCheck = long.MaxValue / 2;

    private bool IsSqlite => storage.Kind == StorageKind.Sqlite;

    private string Blob => IsSqlite ? "BLOB" : "BYTEA";

    public void SaveManifest(string jobId, IReadOnlyList<byte[]> chunks)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        for (var i = 0; i < chunks.Count; i++)
            Execute(connection, tx, "INSERT INTO actorcluster_manifest (job_id, chunk, data) VALUES (@j, @c, @d) ON CONFLICT DO NOTHING",
                ("@j", jobId), ("@c", i), ("@d", chunks[i]));
        tx.Commit();
    }

    public byte[]? ReadManifestChunk(string jobId, int chunk)
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT data FROM actorcluster_manifest WHERE job_id = @j AND chunk = @c", ("@j", jobId), ("@c", chunk));
        return command.ExecuteScalar() as byte[];
    }

    public void SaveRecords(string jobId, IReadOnlyList<StoredRecords> blocks)
    {
        if (blocks.Count == 0) return;
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        foreach (var block in blocks)
            Execute(connection, tx, "INSERT INTO actorcluster_records (job_id, item_start, item_count, data) VALUES (@j, @s, @n, @d) ON CONFLICT DO NOTHING",
                ("@j", jobId), ("@s", block.Start), ("@n", block.Count), ("@d", block.Block));
        tx.Commit();
    }

    public IReadOnlyList<StoredRecords> ReadRecords(string jobId, long fromItem, long maxBytes)
    {
        using var connection = Open();
        using var command = Command(connection, null,
            """
            SELECT item_start, item_count, data FROM actorcluster_records
            WHERE job_id = @j AND item_start >= COALESCE((SELECT MAX(item_start) FROM actorcluster_records WHERE job_id = @j AND item_start <= @f), 0)
            ORDER BY item_start
            """, ("@j", jobId), ("@f", fromItem));
        using var reader = command.ExecuteReader();
        var blocks = new List<StoredRecords>();
        long bytes = 0;
        while (reader.Read())
        {
            if (blocks.Count > 0 && bytes >= maxBytes) break;
            var block = (byte[])reader.GetValue(2);
            blocks.Add(new StoredRecords(reader.GetInt64(0), reader.GetInt64(1), block));
            bytes += block.Length;
        }
        return blocks;
    }

    public IReadOnlyDictionary<string, string> CacheLookup(string scope, IReadOnlyList<string> keys)
    {
        var hits = new Dictionary<string, string>();
        if (keys.Count == 0) return hits;
        var byHash = keys.Distinct().ToDictionary(Hash, k => k);
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        foreach (var slice in byHash.Keys.Chunk(500))
        {
            var names = slice.Select((_, i) => $"@k{i}").ToArray();
            var parameters = slice.Select((h, i) => (names[i], (object)h)).Append(("@s", scope)).ToArray();
            using (var select = Command(connection, tx, $"SELECT key_hash, item_key, record FROM actorcluster_cache WHERE scope = @s AND key_hash IN ({string.Join(", ", names)})", parameters))
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                    if (byHash.TryGetValue(reader.GetString(0), out var key) && key == reader.GetString(1))
                        hits[key] = reader.GetString(2);
            }
            Execute(connection, tx, $"UPDATE actorcluster_cache SET used_at = @t WHERE scope = @s AND key_hash IN ({string.Join(", ", names)})",
                [.. parameters, ("@t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())]);
        }
        tx.Commit();
        return hits;
    }

    public void CachePut(string scope, IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        if (entries.Count == 0) return;
        using var connection = Open();
        using (var tx = connection.BeginTransaction())
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            foreach (var (key, record) in entries)
                Execute(connection, tx,
                    """
                    INSERT INTO actorcluster_cache (scope, key_hash, item_key, record, bytes, used_at) VALUES (@s, @h, @k, @r, @b, @t)
                    ON CONFLICT (scope, key_hash) DO UPDATE SET item_key = excluded.item_key, record = excluded.record, bytes = excluded.bytes, used_at = excluded.used_at
                    """,
                    ("@s", scope), ("@h", Hash(key)), ("@k", key), ("@r", record), ("@b", MemoryJobDataStore.Size(key, record)), ("@t", now));
            tx.Commit();
        }
        // Summing the table on every completion would cost more than the write: look again after a twentieth of the limit was added.
        var added = entries.Sum(e => MemoryJobDataStore.Size(e.Key, e.Value));
        if (Interlocked.Add(ref _cachePutsSinceCheck, added) < maxCacheBytes / 20) return;
        Interlocked.Exchange(ref _cachePutsSinceCheck, 0);
        Evict(connection);
    }

    private void Evict(DbConnection connection)
    {
        using var sum = Command(connection, null, "SELECT COALESCE(SUM(bytes), 0) FROM actorcluster_cache");
        var total = Convert.ToInt64(sum.ExecuteScalar());
        if (total <= maxCacheBytes) return;
        var toFree = total - maxCacheBytes * 9 / 10;
        long freed = 0, threshold = long.MinValue;
        using (var oldest = Command(connection, null, "SELECT used_at, bytes FROM actorcluster_cache ORDER BY used_at"))
        using (var reader = oldest.ExecuteReader())
        {
            while (freed < toFree && reader.Read())
            {
                threshold = reader.GetInt64(0);
                freed += reader.GetInt64(1);
            }
        }
        Execute(connection, null, "DELETE FROM actorcluster_cache WHERE used_at <= @t", ("@t", threshold));
    }

    public (long Entries, long Bytes) CacheClear()
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction();
        long entries, bytes;
        using (var count = Command(connection, tx, "SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM actorcluster_cache"))
        using (var reader = count.ExecuteReader())
        {
            reader.Read();
            (entries, bytes) = (Convert.ToInt64(reader.GetValue(0)), Convert.ToInt64(reader.GetValue(1)));
        }
        Execute(connection, tx, "DELETE FROM actorcluster_cache");
        tx.Commit();
        return (entries, bytes);
    }

    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private DbConnection Open()
    {
        DbConnection connection = IsSqlite ? new SqliteConnection(storage.ConnectionString) : new NpgsqlConnection(storage.ConnectionString);
        connection.Open();
        lock (_gate)
        {
            if (!_created)
            {
                CreateTables(connection);
                _created = true;
            }
        }
        return connection;
    }

    private void CreateTables(DbConnection connection)
    {
        string[] ddl =
        [
            $"CREATE TABLE IF NOT EXISTS actorcluster_manifest (job_id VARCHAR(255) NOT NULL, chunk INTEGER NOT NULL, data {Blob} NOT NULL, PRIMARY KEY (job_id, chunk))",
            $"CREATE TABLE IF NOT EXISTS actorcluster_records (job_id VARCHAR(255) NOT NULL, item_start BIGINT NOT NULL, item_count BIGINT NOT NULL, data {Blob} NOT NULL, PRIMARY KEY (job_id, item_start))",
            "CREATE TABLE IF NOT EXISTS actorcluster_cache (scope VARCHAR(512) NOT NULL, key_hash VARCHAR(64) NOT NULL, item_key TEXT NOT NULL, record TEXT NOT NULL, bytes BIGINT NOT NULL, used_at BIGINT NOT NULL, PRIMARY KEY (scope, key_hash))",
            "CREATE INDEX IF NOT EXISTS actorcluster_cache_used_at ON actorcluster_cache (used_at)",
        ];
        foreach (var statement in ddl)
        {
            try
            {
                Execute(connection, null, statement);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.DuplicateObject)
            {
                // Another node created it at the same moment: IF NOT EXISTS is not atomic in PostgreSQL's catalog.
            }
        }
    }

    private static void Execute(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, tx, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
