namespace ActorCluster.Node.Hosting;

/// <summary>
/// A node's data directory and the SQLite files in it hold every job's journal: other users of the machine have no
/// business reading them, so what the node creates is its user's alone (directories 0700, files 0600).
/// An existing directory or file keeps the mode its owner gave it.
/// </summary>
public static class DataDirectory
{
    public const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> (and any missing parent) 0700, or says in one line why it cannot.</summary>
    public static void Create(string path)
    {
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(path);
                return;
            }
            // CreateDirectory gives the mode to the last directory only: missing parents are made one at a time.
            var missing = new Stack<string>();
            for (var dir = Path.GetFullPath(path); !Directory.Exists(dir); dir = Path.GetDirectoryName(dir)!)
                missing.Push(dir);
            while (missing.TryPop(out var dir))
                Directory.CreateDirectory(dir, OwnerOnlyDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new StorageException($"cannot create the data directory '{path}': {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>
    /// Creates an empty file 0600 where SQLite will make its database, so the database never exists with a wider mode;
    /// SQLite gives its -wal and -shm files the database file's mode. An existing file is left as it is.
    /// </summary>
    public static void CreateOwnerOnlyFile(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path)) return;
        try
        {
            using var _ = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another node sharing the file created it meanwhile.
        }
    }
}
