using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using ActorCluster.Admin.Client;
using ActorCluster.Admin.Hosting;
using ActorCluster.Admin.Protocol;
using ActorCluster.Core.Security;

namespace ActorCluster.Admin.Tests;

public sealed class AdminTlsSpecs
{
    private const string Token = "correct-horse-battery-staple";
    private static readonly X509Certificate2 Ca = ClusterCertificates.CreateAuthority("admin test CA");
    private static readonly X509Certificate2 OtherCa = ClusterCertificates.CreateAuthority("admin test CA");
    private static readonly X509Certificate2 NodeCertificate = ClusterCertificates.Issue(Ca, "node1", [], []);

    private readonly ConcurrentQueue<string> _log = new();

    private TestHost StartHost(string host = "127.0.0.1") =>
        new(new CommandHostOptions { Host = host, Token = Token, Tls = new AdminTls(new ClusterTrust(Ca), NodeCertificate) }, _log.Enqueue);

    [Fact]
    public async Task Should_run_commands_over_tls_with_the_token_off_loopback()
    {
        await using var host = StartHost("0.0.0.0");

        await using var client = await host.ConnectAsync(Token, new AdminTls(new ClusterTrust(Ca), null));
        var lines = new List<string>();
        var outcome = await client.RunAsync("fake", "echo", ["over-tls"], lines.Add, TimeSpan.FromSeconds(5));

        Assert.True(outcome.Ok);
        Assert.Equal(["over-tls"], lines);
    }

    [Fact]
    public async Task Should_still_require_the_token_over_tls()
    {
        await using var host = StartHost();

        var error = await Assert.ThrowsAsync<AdminClientException>(() => host.ConnectAsync("wrong-token-wrong-token", new AdminTls(new ClusterTrust(Ca), null)));

        Assert.Equal(AdminFailure.Rejected, error.Failure);
        Assert.Contains("authentication failed", error.Message);
    }

    [Fact]
    public async Task Should_refuse_to_start_off_loopback_without_tls_unless_allowed()
    {
        var plain = new CommandHost(new CommandHostOptions { Host = "0.0.0.0", Port = 0, Token = Token });
        var allowed = new CommandHost(new CommandHostOptions { Host = "0.0.0.0", Port = 0, Token = Token, AllowPlaintext = true });

        var error = Assert.Throws<AdminHostException>(() => plain.Bind());
        var endpoint = allowed.Bind();

        Assert.Contains("--insecure", error.Message);
        Assert.Contains("clear text", error.Message);
        Assert.NotEqual(0, endpoint.Port);
        await plain.DisposeAsync();
        await allowed.DisposeAsync();
    }

    [Fact]
    public async Task Should_refuse_a_host_whose_certificate_another_ca_signed()
    {
        await using var host = StartHost();

        var error = await Assert.ThrowsAsync<AdminClientException>(() => host.ConnectAsync(Token, new AdminTls(new ClusterTrust(OtherCa), null)));

        Assert.Equal(AdminFailure.Rejected, error.Failure);
        Assert.Contains("TLS handshake failed: the host's certificate 'CN=node1, O=ActorCluster'", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public async Task Should_refuse_and_log_a_client_that_does_not_speak_tls()
    {
        await using var host = StartHost();

        var error = await Assert.ThrowsAsync<AdminClientException>(() => host.ConnectAsync(Token));

        Assert.NotEqual(AdminFailure.Timeout, error.Failure);
        Assert.True(await LoggedAsync("admin: TLS handshake with 127.0.0.1 failed (1 so far)"), string.Join("\n", _log));
    }

    [Fact]
    public async Task Should_refuse_and_log_a_client_certificate_another_ca_signed()
    {
        await using var host = StartHost();
        var stranger = ClusterCertificates.Issue(OtherCa, "pbm", [], []);

        var error = await Assert.ThrowsAsync<AdminClientException>(() => host.ConnectAsync(Token, new AdminTls(new ClusterTrust(Ca), stranger)));
        await using var member = await host.ConnectAsync(Token, new AdminTls(new ClusterTrust(Ca), ClusterCertificates.Issue(Ca, "pbm", [], [])));

        Assert.NotEqual(AdminFailure.Timeout, error.Failure);
        Assert.True(await LoggedAsync("admin: TLS handshake with 127.0.0.1 failed"), string.Join("\n", _log));
        Assert.Equal("test-node", member.Node);
    }

    [Fact]
    public async Task Should_close_a_connection_that_never_starts_the_tls_handshake()
    {
        await using var host = new TestHost(new CommandHostOptions
        {
            Token = Token, Tls = new AdminTls(new ClusterTrust(Ca), NodeCertificate), HandshakeTimeout = TimeSpan.FromMilliseconds(300),
        }, _log.Enqueue);
        using var silent = new TcpClient();
        await silent.ConnectAsync("127.0.0.1", host.Endpoint.Port);

        var closed = await silent.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, closed);
        Assert.True(await LoggedAsync("no handshake in time"), string.Join("\n", _log));
    }

    /// <summary>The host logs after the client has its answer; wait for the line, bounded.</summary>
    private async Task<bool> LoggedAsync(string fragment)
    {
        for (var i = 0; i < 100; i++)
        {
            if (_log.Any(l => l.Contains(fragment, StringComparison.Ordinal))) return true;
            await Task.Delay(50);
        }
        return false;
    }
}
