namespace ActorCluster.Core.Security;

/// <summary>
/// Where a node's or client's TLS material is, as the user gave it (flag, environment variable or node.hocon).
/// Nothing is read until <see cref="TlsIdentity.Load"/>.
/// </summary>
public sealed record TlsOptions(string Certificate, string? Key, string? Password, string Authority)
{
    /// <summary>The environment variables, beside the flags <c>--tls-cert</c>, <c>--tls-key</c>, <c>--tls-password</c>, <c>--tls-ca</c>.</summary>
    public const string CertificateVariable = "ACTORCLUSTER_TLS_CERT";
    public const string KeyVariable = "ACTORCLUSTER_TLS_KEY";
    public const string PasswordVariable = "ACTORCLUSTER_TLS_PASSWORD";
    public const string AuthorityVariable = "ACTORCLUSTER_TLS_CA";

    /// <summary>
    /// The four settings merged into options, or null when none is given (TLS off); throws with a one-line reason when
    /// they are given only in part.
    /// </summary>
    public static TlsOptions? From(string? certificate, string? key, string? password, string? authority)
    {
        if (certificate is null && key is null && password is null && authority is null) return null;
        if (certificate is null)
            throw new TlsException($"TLS needs this node's or client's certificate: --tls-cert FILE (or {CertificateVariable})");
        if (authority is null)
            throw new TlsException($"TLS needs the cluster CA certificate to check peers against: --tls-ca FILE (or {AuthorityVariable})");
        return new TlsOptions(certificate, key, password, authority);
    }
}
