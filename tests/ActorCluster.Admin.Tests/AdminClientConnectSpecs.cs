using System.Net;
using System.Net.Sockets;
using ActorCluster.Admin.Client;
using ActorCluster.Admin.Protocol;

namespace ActorCluster.Admin.Tests;

/// <summary>
/// The client against a hand-written host that pushes out its first connections as a flooded command host does to the
/// oldest connections whose hello it has not read yet (an error frame with retry), or that just hangs up.
/// </summary>
public class AdminClientConnectSpecs
{
    private const string Token = "token-token-token";

    [Fact]
    public async Task Should_dial_again_when_the_host_pushes_it_out_to_make_room()
    {
        using var listener = Listen(out var port);
        var host = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                using var pushedOut = await listener.AcceptTcpClientAsync();
                await WireProtocol.WriteAsync(pushedOut.GetStream(), WireFrame.Busy("busy"), CancellationToken.None);
            }
            using var served = await listener.AcceptTcpClientAsync();
            var stream = served.GetStream();
            var hello = await WireProtocol.ReadAsync(stream, 4096, CancellationToken.None);
            await WireProtocol.WriteAsync(stream, WireFrame.Welcome($"node seen by {hello!.Client}", []), CancellationToken.None);
            await Task.Delay(500);
        });

        await using var client = await AdminClient.ConnectAsync("127.0.0.1", port, Token, TimeSpan.FromSeconds(5));

        Assert.Equal("node seen by pbm", client.Node);
        await host.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Should_give_up_with_the_hosts_words_when_it_stays_busy_past_the_timeout()
    {
        using var listener = Listen(out var port);
        using var stop = new CancellationTokenSource();
        var pushedOut = 0;
        var host = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var connection = await listener.AcceptTcpClientAsync(stop.Token);
                await WireProtocol.WriteAsync(connection.GetStream(), WireFrame.Busy("busy: try again"), stop.Token);
                Interlocked.Increment(ref pushedOut);
            }
        });

        var error = await Assert.ThrowsAsync<AdminClientException>(() => AdminClient.ConnectAsync("127.0.0.1", port, Token, TimeSpan.FromSeconds(1)));
        stop.Cancel();

        Assert.Equal((AdminFailure.Rejected, $"127.0.0.1:{port}: busy: try again (still so after 1s)"), (error.Failure, error.Message));
        Assert.True(pushedOut > 1, $"dialled {pushedOut} time(s)");
    }

    [Fact]
    public async Task Should_not_dial_again_when_the_host_hangs_up_without_a_word()
    {
        using var listener = Listen(out var port);
        var hangUps = 0;
        var host = Task.Run(async () =>
        {
            while (true)
            {
                using var connection = await listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref hangUps);
                connection.Client.Shutdown(SocketShutdown.Both);
            }
        });

        var error = await Assert.ThrowsAsync<AdminClientException>(() => AdminClient.ConnectAsync("127.0.0.1", port, Token, TimeSpan.FromSeconds(5)));
        await Task.Delay(300);

        Assert.Contains("closed the connection during the handshake", error.Message);
        Assert.Equal(1, hangUps);
    }

    private static TcpListener Listen(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }
}
