using System.Net;
using System.Net.Sockets;
using ActorCluster.Admin.Client;
using ActorCluster.Admin.Protocol;

namespace ActorCluster.Admin.Tests;

/// <summary>
/// The client against a hand-written host that hangs up on its first connections without a word, as a flooded
/// command host does to the oldest connections whose hello it has not read yet.
/// </summary>
public class AdminClientConnectSpecs
{
    [Fact]
    public async Task Should_dial_again_when_the_host_hangs_up_before_answering_the_hello()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var host = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                using var pushedOut = await listener.AcceptTcpClientAsync();
                pushedOut.Client.Shutdown(SocketShutdown.Both);
            }
            using var served = await listener.AcceptTcpClientAsync();
            var stream = served.GetStream();
            var hello = await WireProtocol.ReadAsync(stream, 4096, CancellationToken.None);
            await WireProtocol.WriteAsync(stream, WireFrame.Welcome($"node seen by {hello!.Client}", []), CancellationToken.None);
            await Task.Delay(500);
        });

        await using var client = await AdminClient.ConnectAsync("127.0.0.1", port, "token-token-token", TimeSpan.FromSeconds(5));

        Assert.Equal("node seen by pbm", client.Node);
        await host.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Should_give_up_with_the_hang_up_as_the_reason_when_the_host_never_answers_in_time()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var hangUps = 0;
        var host = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var pushedOut = await listener.AcceptTcpClientAsync(stop.Token);
                pushedOut.Client.Shutdown(SocketShutdown.Both);
                Interlocked.Increment(ref hangUps);
            }
        });

        var error = await Assert.ThrowsAsync<AdminClientException>(
            () => AdminClient.ConnectAsync("127.0.0.1", port, "token-token-token", TimeSpan.FromSeconds(1)));
        stop.Cancel();

        Assert.Contains("closed the connection during the handshake", error.Message);
        Assert.True(hangUps > 1, $"dialled {hangUps} time(s)");
    }
}
