using System.Net;
using System.Net.Sockets;

namespace ActorCluster.Node.Hosting;

public static class LoopbackPorts
{
    /// <summary>A port free on 127.0.0.1 right now (the OS picks it); for seeds of local clusters.</summary>
    public static int Free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
