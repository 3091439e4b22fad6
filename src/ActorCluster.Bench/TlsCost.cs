using ActorCluster.Core.Security;

namespace ActorCluster.Bench;

/// <summary>
/// The certificates of the bench's TLS clusters, made fresh in its data directory: a CA, one node certificate
/// all TLS nodes share, and the client's. What <c>actorcluster certs</c> makes, through the same code.
/// </summary>
public sealed class TlsCost
{
    private TlsCost(string dir, TlsIdentity client)
    {
        Dir = dir;
        Client = client;
    }

    public string Dir { get; }

    public TlsIdentity Client { get; }

    /// <summary>A node's --tls-* arguments.</summary>
    public IReadOnlyList<string> NodeArgs =>
        ["--tls-cert", Path.Combine(Dir, "node.crt"), "--tls-key", Path.Combine(Dir, "node.key"), "--tls-ca", Path.Combine(Dir, "ca.crt")];

    public static TlsCost Create(string dir)
    {
        var ca = ClusterCertificates.CreateAuthority("bench CA", days: 2);
        CertificateFiles.Write(dir, "ca", ca, force: true);
        CertificateFiles.Write(dir, "node", ClusterCertificates.Issue(ca, "node", [System.Net.IPAddress.Loopback], [], days: 1), force: true);
        var client = ClusterCertificates.Issue(ca, "client", [], [], days: 1);
        return new TlsCost(dir, new TlsIdentity(client, ca));
    }

    /// <summary>How much slower <paramref name="tls"/> is than <paramref name="plain"/>, in percent, from durations (lower is better).</summary>
    public static double SlowdownPercent(double plain, double tls) => plain > 0 ? (tls - plain) / plain * 100 : 0;

    /// <summary>How much <paramref name="tls"/> throughput falls short of <paramref name="plain"/>, in percent (higher is better).</summary>
    public static double ShortfallPercent(double plain, double tls) => plain > 0 ? (plain - tls) / plain * 100 : 0;
}
