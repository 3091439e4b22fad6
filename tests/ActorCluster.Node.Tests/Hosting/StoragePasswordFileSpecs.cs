using ActorCluster.Node.Hosting;
using Npgsql;

namespace ActorCluster.Node.Tests.Hosting;

/// <summary>--db-password-file: the PostgreSQL password from a file rather than the command line, where `ps` shows it.</summary>
public sealed class StoragePasswordFileSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorcluster-password-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PasswordFile(string content)
    {
        var path = Path.Combine(_dir, "password");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Should_put_the_first_line_of_the_file_into_the_connection_string_as_the_password()
    {
        var storage = StorageSettings.Parse("Host=db;Database=actorcluster;Username=actorcluster", _dir);

        var withPassword = storage.WithPasswordFile(PasswordFile("s3cret; Host=elsewhere\nsecond line\n"));

        var built = new NpgsqlConnectionStringBuilder(withPassword.ConnectionString);
        Assert.Equal(("s3cret; Host=elsewhere", "db", "actorcluster"), (built.Password, built.Host, built.Database));
        Assert.DoesNotContain("s3cret", withPassword.Description);
    }

    [Fact]
    public void Should_refuse_a_password_file_for_sqlite_an_empty_file_and_a_missing_one_with_one_line()
    {
        var postgres = StorageSettings.Parse("Host=db;Database=actorcluster", _dir);

        var sqlite = Assert.Throws<StorageException>(() => StorageSettings.Parse(null, _dir).WithPasswordFile(PasswordFile("x")));
        var empty = Assert.Throws<StorageException>(() => postgres.WithPasswordFile(PasswordFile("")));
        var missing = Assert.Throws<StorageException>(() => postgres.WithPasswordFile(Path.Combine(_dir, "nope")));

        Assert.Contains("takes no password", sqlite.Message);
        Assert.Contains("is empty", empty.Message);
        Assert.StartsWith("--db-password-file: cannot read", missing.Message);
        Assert.All(new[] { sqlite, empty, missing }, e => Assert.DoesNotContain('\n', e.Message));
    }
}
