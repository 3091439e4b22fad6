using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorCluster.Core.Security;

/// <summary>
/// Who may talk to the cluster: a peer whose certificate was signed by the cluster's CA, is in date and allows
/// both TLS roles. The machine's trust store plays no part, so a certificate from any public CA is as foreign
/// as a self-signed one.
/// </summary>
public sealed class ClusterTrust
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    private readonly X509Certificate2 _authority;
    private readonly Func<DateTime> _now;

    public ClusterTrust(X509Certificate2 authority, Func<DateTime>? now = null)
    {
        if (authority.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            throw new TlsException($"the CA certificate ({authority.Subject}) is not a CA: it may not sign certificates");
        _authority = authority;
        _now = now ?? (() => DateTime.Now);
    }

    public X509Certificate2 Authority => _authority;

    /// <summary>Null when <paramref name="peer"/> is trusted, else why not (one line, for the log).</summary>
    public string? Check(X509Certificate2? peer)
    {
        if (peer is null) return "no certificate presented";
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.Add(_authority);
        // Certificates of this CA carry no revocation endpoints; a node is removed by not trusting its CA.
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.VerificationTime = _now();
        policy.ApplicationPolicy.Add(ServerAuth);
        policy.ApplicationPolicy.Add(ClientAuth);
        try
        {
            if (!chain.Build(peer))
                return $"{Describe(peer)}: {string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct())}";
        }
        catch (CryptographicException e)
        {
            return $"{Describe(peer)}: {e.Message.ReplaceLineEndings(" ")}";
        }
        // CustomRootTrust anchors only in the custom store, but say so explicitly: the root must be our CA itself.
        var root = chain.ChainElements[^1].Certificate;
        return root.RawDataMemory.Span.SequenceEqual(_authority.RawDataMemory.Span)
            ? null
            : $"{Describe(peer)}: not signed by the cluster CA";
    }

    private static string Describe(X509Certificate2 peer) =>
        $"certificate '{peer.Subject}' (issuer '{peer.Issuer}', valid {peer.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} to {peer.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC)";
}
