using ActorCluster.Admin.Client;
using ActorCluster.Admin.Hosting;

namespace ActorCluster.Admin.Tests;

/// <summary>
/// The token file a node writes for its own user's pbm. Each spec points XDG_RUNTIME_DIR at a directory of its own
/// (the specs of this class run one after another; no other class reads the file).
/// </summary>
public sealed class AdminTokenFileSpecs : IDisposable
{
    private readonly string? _previous = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
    private readonly string _runtime = Directory.CreateTempSubdirectory("actorcluster-runtime-").FullName;

    public AdminTokenFileSpecs() => Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", _runtime);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("XDG_RUNTIME_DIR", _previous);
        Directory.Delete(_runtime, recursive: true);
    }

    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Should_write_the_token_readable_only_by_its_user_in_a_directory_only_its_user_can_enter()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes");
        var token = AdminTokenFile.NewToken();

        var path = AdminTokenFile.Write(9110, token);

        Assert.Equal(Path.Combine(_runtime, "actorcluster", "admin-9110.token"), path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Equal(token, AdminTokenFile.Read(9110));
        Assert.True(token.Length >= CommandHostOptions.MinTokenLength);
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Should_leave_a_file_another_node_has_rewritten_since()
    {
        AdminTokenFile.Write(9110, "first-node-token-0000");
        AdminTokenFile.Write(9110, "second-node-token-000");

        AdminTokenFile.Delete(9110, "first-node-token-0000");
        var afterFirst = AdminTokenFile.Read(9110);
        AdminTokenFile.Delete(9110, "second-node-token-000");

        Assert.Equal("second-node-token-000", afterFirst);
        Assert.Null(AdminTokenFile.Read(9110));
    }

    [Fact]
    public async Task Should_let_pbm_in_with_the_token_file_of_a_local_host_and_without_it_not()
    {
        await using var host = new TestHost(new CommandHostOptions { Token = AdminTokenFile.NewToken() });
        var io = () => new PbmConsole.PbmIo(new StringWriter(), new StringWriter(), new StringReader(""), Terminal: false);
        string[] echo = [$"127.0.0.1:{host.Endpoint.Port}", "fake", "echo", "x"];

        var withoutFile = io();
        var refused = await PbmConsole.RunAsync(echo, withoutFile, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        AdminTokenFile.Write(host.Endpoint.Port, host.Token);
        var withFile = io();
        var admitted = await PbmConsole.RunAsync(echo, withFile, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(PbmConsole.ExitUnreachable, refused);
        Assert.Contains("authentication failed", withoutFile.Err.ToString());
        Assert.Equal(PbmConsole.ExitOk, admitted);
        Assert.Equal("x", withFile.Out.ToString()!.Trim());
    }
}
