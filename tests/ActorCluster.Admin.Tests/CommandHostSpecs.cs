using ActorCluster.Tests.Shared;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorCluster.Admin.Client;
using ActorCluster.Admin.Hosting;
using ActorCluster.Admin.Protocol;
using Xunit.Abstractions;

namespace ActorCluster.Admin.Tests;

public sealed class CommandHostSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task Should_offer_its_palettes_in_the_welcome()
    {
        await using var host = new TestHost();

        await using var client = await host.ConnectAsync();

        Assert.Equal("test-node", client.Node);
        var palette = Assert.Single(client.Palettes);
        Assert.Equal("fake", palette.Name);
        Assert.Contains(palette.Commands, c => c is { Name: "ticks", Streaming: true });
        Assert.Contains(palette.Commands.Single(c => c.Name == "echo").Arguments, a => a.Switches.Contains("--times"));
    }

    [Fact]
    public async Task Should_answer_a_command_with_its_lines_and_an_end_frame()
    {
        await using var host = new TestHost();

        var (outcome, lines) = await host.RunAsync("echo", "hi", "-n", "3", "--upper");

        Assert.True(outcome.Ok);
        Assert.Equal(["HI", "HI", "HI"], lines);
    }

    [Fact]
    public async Task Should_run_several_commands_on_one_connection()
    {
        await using var host = new TestHost();
        await using var client = await host.ConnectAsync();

        for (var i = 0; i < 5; i++)
        {
            var lines = new List<string>();
            var outcome = await client.RunAsync("fake", "echo", [$"n{i}"], lines.Add, TimeSpan.FromSeconds(5));
            Assert.True(outcome.Ok);
            Assert.Equal([$"n{i}"], lines);
        }
    }

    [Theory]
    [InlineData("nope", "x", "unknown palette 'nope'")]
    [InlineData("fake", "nope", "unknown command 'nope'")]
    [InlineData("fake", "echo", "missing argument <text>")]
    [InlineData("fake", "fail", "it failed")]
    [InlineData("fake", "throw", "internal error: boom")]
    public async Task Should_answer_bad_requests_with_an_error_and_keep_the_connection(string palette, string command, string expected)
    {
        await using var host = new TestHost();
        await using var client = await host.ConnectAsync();

        var outcome = await client.RunAsync(palette, command, [], _ => { }, TimeSpan.FromSeconds(5));
        var after = await client.RunAsync("fake", "echo", ["still here"], _ => { }, TimeSpan.FromSeconds(5));

        Assert.False(outcome.Ok);
        Assert.Contains(expected, outcome.Error);
        Assert.True(after.Ok);
    }

    [Fact]
    public async Task Should_take_the_next_request_as_soon_as_the_previous_end_frame_arrived()
    {
        await using var host = new TestHost();
        await using var client = await host.ConnectAsync();

        // The end frame is the client's cue to send again; the host must already count the command as done.
        for (var i = 0; i < 300; i++)
        {
            var failed = await client.RunAsync("fake", "fail", [], _ => { }, TimeSpan.FromSeconds(5));
            var echoed = await client.RunAsync("fake", "echo", [$"n{i}"], _ => { }, TimeSpan.FromSeconds(5));
            Assert.Equal("it failed", failed.Error);
            Assert.True(echoed.Ok, $"request {i}: {echoed.Error}");
        }
    }

    [Fact]
    public async Task Should_stream_until_the_client_cancels_then_end_and_stay_usable()
    {
        await using var host = new TestHost();
        await using var client = await host.ConnectAsync();
        using var stop = new CancellationTokenSource();
        var lines = new List<string>();

        var outcome = await client.RunAsync("fake", "ticks", [], line =>
        {
            lines.Add(line);
            if (lines.Count == 5) stop.Cancel();
        }, timeout: null, stop.Token).WaitAsync(TimeSpan.FromSeconds(10));
        var after = await client.RunAsync("fake", "echo", ["next"], _ => { }, TimeSpan.FromSeconds(5));

        Assert.True(outcome.Ok);
        Assert.True(outcome.Cancelled);
        Assert.False(client.IsBroken);
        Assert.True(after.Ok);
        Assert.Equal(1, Volatile.Read(ref host.Palette.StreamsStopped));
    }

    [Fact]
    public async Task Should_end_a_finite_stream_with_an_end_frame()
    {
        await using var host = new TestHost();

        var (outcome, lines) = await host.RunAsync("count");

        Assert.True(outcome.Ok);
        Assert.Equal(["1", "2", "3"], lines);
    }

    [Fact]
    public async Task Should_stop_a_stream_when_the_client_disconnects()
    {
        await using var host = new TestHost();
        var client = await host.ConnectAsync();
        using var stop = new CancellationTokenSource();
        var running = client.RunAsync("fake", "ticks", [], _ => { }, null, stop.Token);
        await Task.Delay(200);

        await client.DisposeAsync(); // abrupt: no cancel frame
        await Assert.ThrowsAnyAsync<Exception>(() => running.WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.True(await host.WaitForNoConnectionsAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, Volatile.Read(ref host.Palette.StreamsStopped));
    }

    [Fact]
    public async Task Should_time_out_a_command_that_never_answers()
    {
        await using var host = new TestHost(new CommandHostOptions { CommandTimeout = TimeSpan.FromMilliseconds(300) });
        var clock = Stopwatch.StartNew();

        var (outcome, _) = await host.RunAsync("hang");

        Assert.False(outcome.Ok);
        Assert.Contains("timed out", outcome.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Should_close_connections_that_never_say_hello_or_go_idle()
    {
        await using var host = new TestHost(new CommandHostOptions
        {
            HandshakeTimeout = TimeSpan.FromMilliseconds(300),
            IdleTimeout = TimeSpan.FromMilliseconds(500),
        });
        using var silent = new TcpClient();
        await silent.ConnectAsync(IPAddress.Loopback, host.Endpoint.Port);
        await using var idle = await host.ConnectAsync();

        var silentReply = await ReadUntilClosedAsync(silent, TimeSpan.FromSeconds(5));
        Assert.True(await host.WaitForNoConnectionsAsync(TimeSpan.FromSeconds(5)));

        Assert.Contains("no hello", silentReply);
        await Assert.ThrowsAsync<AdminClientException>(() => idle.RunAsync("fake", "echo", ["x"], _ => { }, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Should_refuse_connections_beyond_its_limit()
    {
        await using var host = new TestHost(new CommandHostOptions { MaxConnections = 2 });
        await using var first = await host.ConnectAsync();
        await using var second = await host.ConnectAsync();

        var third = await Assert.ThrowsAsync<AdminClientException>(() => host.ConnectAsync());

        Assert.Equal(AdminFailure.Rejected, third.Failure);
        Assert.Contains("too many admin connections", third.Message);
        await first.DisposeAsync();
        Assert.True(await WaitUntil(() => host.Host.OpenConnections < 2, TimeSpan.FromSeconds(5)));
        await using var fourth = await host.ConnectAsync();
        Assert.Equal("test-node", fourth.Node);
    }

    [Fact]
    public async Task Should_survive_protocol_fuzz_and_answer_afterwards()
    {
        await using var host = new TestHost(new CommandHostOptions { HandshakeTimeout = TimeSpan.FromSeconds(1), MaxConnections = 64 });
        var random = new Random(6);
        var clock = Stopwatch.StartNew();
        var cases = new List<byte[]>();
        for (var i = 0; i < 100; i++)
        {
            var junk = new byte[random.Next(1, 2048)];
            random.NextBytes(junk);
            cases.Add(junk);
        }
        var hello = WireProtocol.Encode(WireFrame.Hello(host.Token, "fuzz"));
        cases.Add(hello[..3]);                                        // truncated header
        cases.Add(hello[..(hello.Length - 5)]);                       // truncated payload
        cases.Add([.. hello, .. Encoding.UTF8.GetBytes("garbage")]);  // hello, then garbage
        cases.Add([.. hello, .. Frame("""{"type":"request","id":1,"palette":"nope","command":"x"}""")]);
        cases.Add([.. hello, .. Frame("""{"type":"shout"}""")]);
        cases.Add([.. hello, .. Frame("""{"type":"request","id":"not a number"}""")]);
        cases.Add([.. hello, .. Frame("""{"type":"request","id":1,"palette":"fake","command":"echo","args":[1,2]}""")]);
        cases.Add([.. hello, .. Frame(new string('[', 5000))]);        // deep nesting
        cases.Add(Frame("""{"type":"request","id":1,"palette":"fake","command":"echo","args":["no hello"]}"""));

        foreach (var bytes in cases)
            await SendRawAsync(host.Endpoint, bytes, readFor: TimeSpan.FromMilliseconds(random.Next(0, 3) * 50));

        // A 10 MB argument: refused by size, without the node buffering it.
        var huge = WireProtocol.Encode(WireFrame.Request(1, "fake", "echo", [new string('x', 10 * 1024 * 1024)]));
        var hugeReply = await SendRawAsync(host.Endpoint, [.. hello, .. huge], readFor: TimeSpan.FromSeconds(5));
        Assert.Contains("exceeds the limit", hugeReply);

        // 200 concurrent connections opened and dropped: some half-way through a hello, some mid-stream.
        await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var c = new TcpClient();
            await c.ConnectAsync(IPAddress.Loopback, host.Endpoint.Port);
            var s = c.GetStream();
            try
            {
                if (i % 3 == 1) await s.WriteAsync(hello.AsMemory(0, 6));
                if (i % 3 == 2)
                {
                    await s.WriteAsync(hello);
                    await s.WriteAsync(WireProtocol.Encode(WireFrame.Request(1, "fake", "ticks", [])));
                    await Task.Delay(30);
                }
            }
            catch (IOException)
            {
                // Beyond the connection limit the host hangs up at once; writing into that fails, as it should.
            }
            c.Client.LingerState = new LingerOption(true, 0); // RST instead of FIN: the rudest goodbye
        }));

        var (outcome, lines) = await host.RunAsync("echo", "alive");
        Assert.True(outcome.Ok);
        Assert.Equal(["alive"], lines);
        Assert.True(await host.WaitForNoConnectionsAsync(TimeSpan.FromSeconds(10)), $"{host.Host.OpenConnections} connections still open");
        output.WriteLine($"fuzz: {cases.Count + 201} connections in {clock.ElapsedMilliseconds} ms; accepted {host.Host.ConnectionsAccepted}, " +
                         $"refused {host.Host.ConnectionsRefused}, protocol errors {host.Host.ProtocolErrors}, open now {host.Host.OpenConnections}");
    }

    [Fact]
    public async Task Should_refuse_to_start_on_a_non_loopback_address_without_a_token()
    {
        var host = new CommandHost(new CommandHostOptions { Host = "0.0.0.0", Port = 0 });

        var error = Assert.Throws<AdminHostException>(() => host.Bind());

        Assert.Contains(CommandHostOptions.TokenVariable, error.Message);
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Should_refuse_to_start_without_a_token_on_loopback_too()
    {
        var host = new CommandHost(new CommandHostOptions { Port = 0 });

        var error = Assert.Throws<AdminHostException>(() => host.Bind());

        Assert.Contains("admin host needs a token", error.Message);
        Assert.Null(host.Endpoint);
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Should_reject_a_wrong_or_missing_token_and_accept_the_right_one()
    {
        // Plain TCP off loopback, as a node started with --insecure has it; TLS is AdminTlsSpecs' subject.
        await using var host = new TestHost(new CommandHostOptions { Host = "0.0.0.0", Token = GoodToken, AllowPlaintext = true });

        var wrong = await Assert.ThrowsAsync<AdminClientException>(() => host.ConnectAsync("guess"));
        var missing = await Assert.ThrowsAsync<AdminClientException>(() => host.ConnectAsync(null));
        await using var right = await host.ConnectAsync(GoodToken);

        Assert.Equal(AdminFailure.Rejected, wrong.Failure);
        Assert.Contains("authentication failed", wrong.Message);
        Assert.Equal(AdminFailure.Rejected, missing.Failure);
        Assert.True((await right.RunAsync("fake", "echo", ["in"], _ => { }, TimeSpan.FromSeconds(5))).Ok);
    }

    [Fact]
    public async Task Should_refuse_to_start_with_a_token_shorter_than_the_minimum()
    {
        var host = new CommandHost(new CommandHostOptions { Port = 0, Token = new string('k', CommandHostOptions.MinTokenLength - 1) });

        var error = Assert.Throws<AdminHostException>(() => host.Bind());

        Assert.Contains($"at least {CommandHostOptions.MinTokenLength}", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Null(host.Endpoint);
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Should_let_a_client_with_the_token_in_within_2s_while_connections_that_never_authenticate_flood_it()
    {
        await using var host = new TestHost(new CommandHostOptions { Token = GoodToken });
        var hello = WireProtocol.Encode(WireFrame.Hello(null, "flood"));
        using var stopFlood = new CancellationTokenSource();
        var silent = new List<TcpClient>();
        try
        {
            // 200 connections that never say a word, then a reconnect loop that says hello without the token, and
            // one that stays silent, each dialling again the moment the host hangs up.
            for (var i = 0; i < 200; i++)
            {
                var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, host.Endpoint.Port);
                silent.Add(c);
            }
            var flood = Enumerable.Range(0, 8).Select(i => Task.Run(() => FloodAsync(host.Endpoint, i % 2 == 0 ? hello : null, stopFlood.Token))).ToList();
            await Task.Delay(300);

            var timings = new List<long>();
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var clock = Stopwatch.StartNew();
                await using var client = await host.ConnectAsync(GoodToken);
                var outcome = await client.RunAsync("fake", "echo", [$"in {attempt}"], _ => { }, TimeSpan.FromSeconds(2));
                timings.Add(clock.ElapsedMilliseconds);
                Assert.True(outcome.Ok, outcome.Error);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"attempt {attempt}: {clock.ElapsedMilliseconds} ms");
            }

            stopFlood.Cancel();
            await Task.WhenAll(flood).WaitAsync(TimeSpan.FromSeconds(10));
            output.WriteLine($"in with the token during the flood after {string.Join(", ", timings)} ms; accepted {host.Host.ConnectionsAccepted}, " +
                             $"pushed out or refused {host.Host.ConnectionsRefused}, failed authentications {host.Host.AuthenticationFailures}");
        }
        finally
        {
            stopFlood.Cancel();
            foreach (var c in silent) c.Dispose();
        }
    }

    [Fact]
    public async Task Should_tell_a_connection_it_pushes_out_before_its_hello_to_try_again()
    {
        await using var host = new TestHost(new CommandHostOptions { Token = GoodToken, MaxUnauthenticatedConnections = 1 });
        using var first = new TcpClient();
        await first.ConnectAsync(IPAddress.Loopback, host.Endpoint.Port);
        await Task.Delay(200);

        using var second = new TcpClient();
        await second.ConnectAsync(IPAddress.Loopback, host.Endpoint.Port);
        var stream = first.GetStream();
        var told = await WireProtocol.ReadAsync(stream, 4096, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        var after = await WireProtocol.ReadAsync(stream, 4096, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(told is not null, "the pushed-out connection was closed without a word");
        Assert.Equal((FrameTypes.Error, true), (told.Type, told.Retry));
        Assert.Null(after);
        Assert.Equal(1, host.Host.ConnectionsRefused);
    }

    [Fact]
    public async Task Should_slow_down_and_log_a_wrong_token_tried_a_thousand_times()
    {
        var logged = new ConcurrentQueue<string>();
        var delay = TimeSpan.FromMilliseconds(5);
        await using var host = new TestHost(new CommandHostOptions
        {
            Token = GoodToken, AuthFailureDelay = TimeSpan.FromMilliseconds(1), MaxAuthFailureDelay = delay,
        }, logged.Enqueue);
        var latencies = new List<TimeSpan>();
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < 1000; i++)
        {
            var attempt = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<AdminClientException>(() => host.ConnectAsync($"wrong-token-number-{i}"));
            latencies.Add(attempt.Elapsed);
            Assert.Equal(AdminFailure.Rejected, error.Failure);
        }
        var total = clock.Elapsed;
        var right = Stopwatch.StartNew();
        await using var client = await host.ConnectAsync(GoodToken);
        var rightTook = right.Elapsed;

        // Without the backoff 1,000 loopback handshakes take well under a second; with it the later answers wait the cap.
        // Judged on the median and the total: Linux timers tick coarsely, so one short delay may end a few ms early.
        var later = latencies.Skip(10).Order().ToList();
        Assert.True(later[later.Count / 2] >= delay * 0.7, $"median answer after {later[later.Count / 2].TotalMilliseconds:0.0} ms");
        Assert.True(total >= delay * 1000 * 0.7, $"1,000 wrong tokens in {total.TotalMilliseconds:0} ms");
        Assert.Equal(1000, host.Host.AuthenticationFailures);
        var lines = logged.Where(l => l.Contains("authentication failed from 127.0.0.1")).ToList();
        Assert.Equal(10, lines.Count); // the 1st, 2nd, 4th ... 512th in a row
        Assert.Contains("512 in a row", lines[^1]);
        Assert.True(rightTook < TimeSpan.FromSeconds(1), $"the right token took {rightTook.TotalMilliseconds:0} ms");
        output.WriteLine($"1,000 wrong tokens in {total.TotalMilliseconds:0} ms (first answer {latencies[0].TotalMilliseconds:0.0} ms, " +
                         $"median of the last 100 {latencies[^100..].Order().ElementAt(50).TotalMilliseconds:0.0} ms); right token in {rightTook.TotalMilliseconds:0.0} ms");
    }

    [Fact]
    public async Task Should_report_a_busy_port_as_address_in_use()
    {
        await using var first = new TestHost();
        var second = new CommandHost(new CommandHostOptions { Port = first.Endpoint.Port, Token = GoodToken });

        var error = Assert.Throws<AdminHostException>(() => second.Bind());

        Assert.True(error.AddressInUse);
        await second.DisposeAsync();
    }

    private const string GoodToken = "correct-horse-battery-staple";

    private static byte[] Frame(string json) => RawAdminFrame.From(json);

    /// <summary>Connects, sends <paramref name="opening"/> (if any), then idles until the host hangs up, and dials again.</summary>
    private static async Task FloodAsync(IPEndPoint endpoint, byte[]? opening, CancellationToken ct)
    {
        var buffer = new byte[4096];
        while (!ct.IsCancellationRequested)
        {
            using var c = new TcpClient();
            try
            {
                await c.ConnectAsync(endpoint, ct);
                var stream = c.GetStream();
                if (opening is not null) await stream.WriteAsync(opening, ct);
                while (await stream.ReadAsync(buffer, ct) > 0) { }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException) { }
        }
    }

    /// <summary>Sends raw bytes, reads whatever comes back for a while (or until closed), then drops the connection.</summary>
    private static async Task<string> SendRawAsync(IPEndPoint endpoint, byte[] bytes, TimeSpan readFor)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(bytes);
        }
        catch (IOException)
        {
            // The host may close on us mid-write (e.g. after an oversized header): that is its right.
        }
        return readFor == TimeSpan.Zero ? "" : await ReadUntilClosedAsync(stream, readFor);
    }

    private static Task<string> ReadUntilClosedAsync(TcpClient client, TimeSpan within) => ReadUntilClosedAsync(client.GetStream(), within);

    private static async Task<string> ReadUntilClosedAsync(NetworkStream stream, TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(buffer, cts.Token);
                if (n == 0) break;
                received.Write(buffer, 0, n);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException) { }
        return Encoding.UTF8.GetString(received.ToArray());
    }

    private static async Task<bool> WaitUntil(Func<bool> condition, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (!condition() && DateTime.UtcNow < until) await Task.Delay(50);
        return condition();
    }
}
