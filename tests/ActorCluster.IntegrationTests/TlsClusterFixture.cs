using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorCluster.Core.Security;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// A cluster CA, certificates good and bad, and three node processes on loopback that speak mutual TLS only.
/// The files live in the cluster's data directory and go with it.
/// </summary>
public sealed class TlsClusterFixture : IAsyncLifetime
{
    public LocalCluster Cluster { get; private set; } = null!;

    public string Dir { get; private set; } = null!;

    public X509Certificate2 Ca { get; } = ClusterCertificates.CreateAuthority("it CA", DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddYears(2));

    public X509Certificate2 OtherCa { get; } = ClusterCertificates.CreateAuthority("it CA");

    /// <summary>--tls-cert/--tls-key/--tls-ca of a certificate the cluster CA issued under <paramref name="name"/>.</summary>
    public string[] Args(string name) =>
        ["--tls-cert", Path.Combine(Dir, name + ".crt"), "--tls-key", Path.Combine(Dir, name + ".key"), "--tls-ca", Path.Combine(Dir, "ca.crt")];

    public async Task InitializeAsync()
    {
        Dir = Directory.CreateTempSubdirectory("actorcluster-tls-").FullName;
        CertificateFiles.Write(Dir, "ca", Ca, force: false);
        CertificateFiles.Write(Dir, "node", ClusterCertificates.Issue(Ca, "node", [System.Net.IPAddress.Loopback], []), force: false);
        CertificateFiles.Write(Dir, "client", ClusterCertificates.Issue(Ca, "client", [], []), force: false);
        CertificateFiles.Write(Dir, "expired", Expired("expired"), force: false);
        Cluster = await LocalCluster.StartAsync(2, Args("node"));
    }

    public X509Certificate2 Issue(string name) => ClusterCertificates.Issue(Ca, name, [], []);

    public X509Certificate2 Expired(string name) =>
        ClusterCertificates.Issue(Ca, name, [], [], DateTimeOffset.UtcNow.AddDays(-20), DateTimeOffset.UtcNow.AddDays(-1));

    public X509Certificate2 Foreign(string name) => ClusterCertificates.Issue(OtherCa, name, [], []);

    public static X509Certificate2 SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}, O=ActorCluster", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new("1.3.6.1.5.5.7.3.1"), new("1.3.6.1.5.5.7.3.2")], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    public Task DisposeAsync()
    {
        Cluster.Dispose();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }
}
