using System.Security.Cryptography;

namespace ActorCluster.Admin.Hosting;

/// <summary>
/// The admin token of a node's loopback command host, in a file only the node's user can read, so the same user's
/// `pbm` gets in without typing it and other local users do not. One file per admin port, in the user's runtime
/// directory: <c>$XDG_RUNTIME_DIR/actorcluster/admin-PORT.token</c>, or <c>~/.actorcluster/run/admin-PORT.token</c> where
/// XDG_RUNTIME_DIR is unset (containers, CI). The directory is 0700 and the file is created 0600, never widened after.
/// </summary>
public static class AdminTokenFile
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>A real token is 43 characters; anything longer in the file is not one of ours.</summary>
    private const int MaxTokenChars = 1024;

    public static string Directory
    {
        get
        {
            var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            return runtime is { Length: > 0 } && Path.IsPathRooted(runtime)
                ? Path.Combine(runtime, "actorcluster")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".actorcluster", "run");
        }
    }

    /// <summary>The node's web host keeps its token beside the admin host's, under its own port: <c>http-PORT.token</c>.</summary>
    public const string HttpKind = "http";

    public static string PathFor(int port, string kind = "admin") => Path.Combine(Directory, $"{kind}-{port}.token");

    /// <summary>256 random bits, URL-safe: a token no one guesses past the backoff.</summary>
    public static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Writes the token for <paramref name="port"/> (replacing a stale file) and returns the file's path.</summary>
    public static string Write(int port, string token, string kind = "admin")
    {
        var directory = Directory;
        if (OperatingSystem.IsWindows())
            System.IO.Directory.CreateDirectory(directory);
        else
        {
            System.IO.Directory.CreateDirectory(directory, OwnerOnlyDirectory);
            // An existing directory keeps its mode through CreateDirectory: narrow it, it is ours.
            File.SetUnixFileMode(directory, OwnerOnlyDirectory);
        }
        var path = PathFor(port, kind);
        // Created under a fresh name with its final mode, then moved over: the token is never readable by others,
        // not even for the moment between creating and narrowing a file.
        var temporary = Path.Combine(directory, $".{kind}-{port}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        try
        {
            using (var writer = new StreamWriter(temporary, options))
                writer.Write(token);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
        return path;
    }

    /// <summary>The token a local node on <paramref name="port"/> wrote, or null when there is none this user may read.</summary>
    public static string? Read(int port, string kind = "admin")
    {
        try
        {
            using var reader = new StreamReader(PathFor(port, kind));
            var buffer = new char[MaxTokenChars + 1];
            var read = reader.ReadBlock(buffer, 0, buffer.Length);
            var token = new string(buffer, 0, read).Trim();
            return read > MaxTokenChars || token.Length == 0 ? null : token;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Removes the file if it still holds <paramref name="token"/> (a node started later on the port may have replaced it).</summary>
    public static void Delete(int port, string token, string kind = "admin")
    {
        try
        {
            if (Read(port, kind) == token) File.Delete(PathFor(port, kind));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
