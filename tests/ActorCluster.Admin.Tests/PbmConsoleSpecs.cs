using System.Net;
using System.Net.Sockets;
using ActorCluster.Admin.Client;
using ActorCluster.Admin.Hosting;
using ActorCluster.Admin.Protocol;

namespace ActorCluster.Admin.Tests;

public sealed class PbmConsoleSpecs
{
    /// <summary>Runs pbm as a user who gives the test host's token, unless the spec passes a --token of its own.</summary>
    private static Task<(int Code, string Out, string Err)> Pbm(string input, params string[] args) =>
        PbmAsIs(input, args.Contains("--token") ? args : ["--token", TestHost.DefaultToken, .. args]);

    private static async Task<(int Code, string Out, string Err)> PbmAsIs(string input, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await PbmConsole.RunAsync(args, new PbmConsole.PbmIo(stdout, stderr, new StringReader(input), Terminal: false), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Should_run_one_command_and_exit_0()
    {
        await using var host = new TestHost();

        var (code, stdout, _) = await Pbm("", $"127.0.0.1:{host.Endpoint.Port}", "fake", "echo", "hello", "-n", "2");

        Assert.Equal(PbmConsole.ExitOk, code);
        Assert.Equal("hello\nhello\n", stdout.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Should_exit_non_zero_with_one_line_on_an_error_reply()
    {
        await using var host = new TestHost();

        var (code, _, stderr) = await Pbm("", $"127.0.0.1:{host.Endpoint.Port}", "fake", "fail");

        Assert.Equal(PbmConsole.ExitCommandFailed, code);
        Assert.Equal("error: it failed", stderr.Trim());
    }

    [Fact]
    public async Task Should_exit_non_zero_for_an_unknown_palette()
    {
        await using var host = new TestHost();

        var (code, _, stderr) = await Pbm("", $"127.0.0.1:{host.Endpoint.Port}", "nope", "x");

        Assert.Equal(PbmConsole.ExitUsage, code);
        Assert.Contains("unknown palette 'nope' (available: fake)", stderr);
    }

    [Fact]
    public async Task Should_exit_non_zero_when_the_host_is_unreachable()
    {
        var port = ActorCluster.Node.Hosting.LoopbackPorts.Free();

        var (code, _, stderr) = await Pbm("", $"127.0.0.1:{port}", "cluster", "show");

        Assert.Equal(PbmConsole.ExitUnreachable, code);
        Assert.StartsWith("error: cannot reach", stderr.Trim());
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Should_exit_non_zero_on_a_timeout()
    {
        await using var host = new TestHost();

        var (code, _, stderr) = await Pbm("", "--timeout", "1", $"127.0.0.1:{host.Endpoint.Port}", "fake", "hang");

        Assert.Equal(PbmConsole.ExitTimeout, code);
        Assert.Contains("no answer", stderr);
    }

    [Fact]
    public async Task Should_exit_non_zero_when_a_host_never_answers_the_handshake()
    {
        // A listener that accepts and then says nothing, like a wedged process.
        using var mute = new TcpListener(IPAddress.Loopback, 0);
        mute.Start();
        var port = ((IPEndPoint)mute.LocalEndpoint).Port;

        var (code, _, stderr) = await Pbm("", $"127.0.0.1:{port}", "cluster", "show");

        Assert.Equal(PbmConsole.ExitTimeout, code);
        Assert.Contains("did not answer", stderr);
    }

    [Fact]
    public async Task Should_be_rejected_with_a_wrong_token()
    {
        await using var host = new TestHost(new CommandHostOptions { Token = "the-right-admin-token" });

        var (code, _, stderr) = await Pbm("", "--token", "wrong", $"127.0.0.1:{host.Endpoint.Port}", "fake", "echo", "x");

        Assert.Equal(PbmConsole.ExitUnreachable, code);
        Assert.Contains("authentication failed", stderr);
    }

    [Theory]
    [InlineData(new[] { "--bogus", "cluster", "show" }, "error: unknown option --bogus (see pbm --help)")]
    [InlineData(new[] { "127.0.0.1:1", "-x", "cluster", "show" }, "error: unknown option -x (see pbm --help)")]
    [InlineData(new[] { "--token" }, "error: --token needs a value")]
    [InlineData(new[] { "--timeout", "0", "cluster", "show" }, "error: --timeout must be a whole number of seconds, got '0'")]
    [InlineData(new[] { "nonsense:99999", "cluster", "show" }, "error: 'nonsense:99999' is not host:port")]
    public async Task Should_reject_a_malformed_command_line_with_one_line_and_exit_2(string[] args, string expected)
    {
        var (code, stdout, stderr) = await Pbm("", args);

        Assert.Equal(PbmConsole.ExitUsage, code);
        Assert.Equal(expected, stderr.Trim());
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task Should_list_its_options_and_exit_codes_in_help()
    {
        var (code, stdout, _) = await Pbm("", "--help");

        Assert.Equal(PbmConsole.ExitOk, code);
        Assert.Contains("--token <TOKEN>", stdout);
        Assert.Contains("--timeout <SECONDS>", stdout);
        Assert.Contains("<host:port>", stdout);
        Assert.Contains("exit codes: 0 ok, 1 the command failed, 2 usage, 3 host unreachable or refused us, 4 timeout", stdout);
    }

    [Fact]
    public async Task Should_take_its_options_between_the_endpoint_and_the_palette()
    {
        await using var host = new TestHost(new CommandHostOptions { Token = "the-right-admin-token" });

        var (code, stdout, stderr) = await Pbm("", $"127.0.0.1:{host.Endpoint.Port}", "--token", "the-right-admin-token", "fake", "echo", "x");

        Assert.True(code == PbmConsole.ExitOk, stderr);
        Assert.Equal("x\n", stdout.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Should_pass_every_word_from_the_palette_on_to_the_palette_even_its_own_option_names()
    {
        await using var host = new TestHost();

        var (code, stdout, _) = await Pbm("", $"127.0.0.1:{host.Endpoint.Port}", "fake", "-h");

        Assert.Equal(PbmConsole.ExitOk, code);
        Assert.Contains("fake echo <text> [-n <times>] [--upper]", stdout);
        Assert.DoesNotContain("--token", stdout);
    }

    [Fact]
    public async Task Should_run_an_interactive_session_from_piped_input()
    {
        await using var host = new TestHost();

        var (code, stdout, stderr) = await Pbm("help\nhelp fake\nfake echo 'two words'\nfake nope\n\nexit\nfake echo never\n", $"127.0.0.1:{host.Endpoint.Port}");

        Assert.Equal(PbmConsole.ExitOk, code);
        Assert.Contains($"[127.0.0.1:{host.Endpoint.Port}] pbm> ", stdout);
        Assert.Contains("  fake ", stdout);                     // help lists the palette
        Assert.Contains("fake echo <text> [-n <times>] [--upper]", stdout);
        Assert.Contains("\ntwo words\n", stdout.ReplaceLineEndings("\n"));
        Assert.Contains("unknown command 'nope'", stderr);
        Assert.DoesNotContain("never\n", stdout.Replace("fake echo never", ""));
    }

    [Fact]
    public void Should_complete_palettes_then_commands_then_switches()
    {
        var palettes = new[] { new FakePalette().ToInfoForTest() };

        Assert.Equal(["fake"], PbmConsole.Complete(palettes, [], "fa"));
        Assert.Equal(["echo"], PbmConsole.Complete(palettes, ["fake"], "e"));
        Assert.Equal(["--times", "--upper"], PbmConsole.Complete(palettes, ["fake", "echo"], "--"));
        Assert.Equal(["exit"], PbmConsole.Complete(palettes, [], "ex"));
    }

    [Fact]
    public void Should_tokenize_quotes_as_one_word()
    {
        Assert.Equal(["jobs", "show", "a b", "c"], PbmConsole.Tokenize("jobs  show \"a b\" c"));
    }

}

internal static class PaletteTestExtensions
{
    public static PaletteInfo ToInfoForTest(this Palettes.IPalette palette) => Palettes.PaletteExtensions.ToInfo(palette);
}
