using System.Security.Cryptography.X509Certificates;

namespace ActorCluster.Core.Security;

/// <summary>
/// What a node or a client needs for mutual TLS: its own certificate with the private key, which it presents,
/// and the cluster CA, the only issuer whose certificates it accepts from the other side.
/// </summary>
public sealed class TlsIdentity
{
    public TlsIdentity(X509Certificate2 certificate, X509Certificate2 authority, Func<DateTime>? now = null)
    {
        if (!certificate.HasPrivateKey)
            throw new TlsException($"the certificate '{certificate.Subject}' has no private key");
        Certificate = certificate;
        Trust = new ClusterTrust(authority, now);
        // Our own certificate must pass what peers will check, or every handshake would fail later, unexplained.
        if (Trust.Check(certificate) is { } problem)
            throw new TlsException($"--tls-cert is not trusted by --tls-ca: {problem}; issue it with `actorcluster certs issue --ca CA_DIR`");
    }

    public X509Certificate2 Certificate { get; }

    public ClusterTrust Trust { get; }

    /// <summary>Loads the files named by <paramref name="options"/>.</summary>
    public static TlsIdentity Load(TlsOptions options) =>
        new(CertificateFiles.LoadIdentity(options.Certificate, options.Key, options.Password), CertificateFiles.LoadCertificate(options.Authority));
}
