using Akka.Actor;
using Akka.Event;

namespace ActorCluster.Protocol.Client;

/// <summary>
/// The client's Akka logger: appends warnings and errors (connection trouble, a dropped association at exit) to a file
/// instead of the user's terminal, where `submit`, `jobs` and the progress line speak. The file is
/// <c>actorcluster.client.log-file</c>; it starts over once it has grown past <see cref="MaxBytes"/>.
/// </summary>
public sealed class ClientLogFile : ReceiveActor
{
    public const string PathKey = "actorcluster.client.log-file";

    private const long MaxBytes = 1024 * 1024;

    private StreamWriter? _writer;

    public ClientLogFile()
    {
        var path = Context.System.Settings.Config.GetString(PathKey, null);
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => Write(path, e));
    }

    private void Write(string? path, LogEvent e)
    {
        if (path is not { Length: > 0 }) return;
        try
        {
            _writer ??= Open(path);
            _writer.WriteLine($"{e.Timestamp:O} {e.LogLevel().ToString().Replace("Level", "").ToUpperInvariant()} {e.LogSource}: {e.Message}" +
                              (e.Cause is { } cause ? $" ({cause.GetType().Name}: {cause.Message})" : ""));
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            // Nowhere to write: the log is a diagnostic aid, never a reason for a client command to fail.
        }
    }

    private static StreamWriter Open(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var append = !File.Exists(path) || new FileInfo(path).Length < MaxBytes;
        // Owner-only, like the directory: the log names the nodes and jobs this user talks to.
        var options = new FileStreamOptions { Mode = append ? FileMode.Append : FileMode.Create, Access = FileAccess.Write, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var stream = new FileStream(path, options);
        // A log left by an older client may be readable by all; UnixCreateMode only applies to a new file.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new StreamWriter(stream) { AutoFlush = true };
    }

    protected override void PostStop() => _writer?.Dispose();
}
