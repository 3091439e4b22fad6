using Akka.Event;
using ActorCluster.Protocol.Client;

namespace ActorCluster.Node.Tests;

/// <summary>The client's Akka lines go to its log file, never onto the terminal where submit's output is.</summary>
public sealed class ClientLogFileSpecs : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"ac-clientlog-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Should_write_akka_warnings_to_an_owner_only_log_file_and_nothing_to_stdout()
    {
        var path = Path.Combine(_dir, "run", "client.log");
        var stdout = Console.Out;
        var captured = new StringWriter();
        Console.SetOut(captured);
        try
        {
            var system = JobClient.CreateSystem("127.0.0.1", logFile: path);
            system.Log.Warning("Unable to REMOVE channel probe {0}", 42);
            system.Log.Info("an info line the client does not keep");
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            Console.SetOut(stdout);
        }

        var lines = File.ReadAllLines(path);
        Assert.Contains(lines, l => l.Contains("WARNING") && l.Contains("Unable to REMOVE channel probe 42"));
        Assert.DoesNotContain(lines, l => l.Contains("an info line"));
        Assert.Equal("", captured.ToString());
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }
}
