using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorCluster.Core.Security;

/// <summary>
/// The cluster's own certificate authority and the certificates it signs, made with .NET's certificate APIs
/// (no openssl). ECDSA P-256 throughout: as strong as RSA 3072 for this purpose, with far cheaper handshakes,
/// which every node-to-node and client connection pays.
/// </summary>
public static class ClusterCertificates
{
    public const string DefaultCaName = "ActorCluster cluster CA";
    public const int DefaultCaDays = 3650;
    public const int DefaultDays = 365;

    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>Clocks of machines in one cluster differ a little; a certificate is valid from slightly before it was made.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>A CA that signs node and client certificates and nothing else (path length 0).</summary>
    public static X509Certificate2 CreateAuthority(string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(name)}, O=ActorCluster"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>A CA valid from now (less the clock skew) for <paramref name="days"/> days.</summary>
    public static X509Certificate2 CreateAuthority(string name = DefaultCaName, int days = DefaultCaDays) =>
        CreateAuthority(name, DateTimeOffset.UtcNow - ClockSkew, DateTimeOffset.UtcNow.AddDays(days));

    /// <summary>
    /// A certificate for a node or a client, signed by <paramref name="authority"/> (which must hold its private key).
    /// Both server and client authentication are allowed: a node accepts connections and opens them, and a client
    /// certificate is the same kind, so one issuing command serves both. The name goes into the subject and, with
    /// <paramref name="ips"/> and <paramref name="dnsNames"/>, into the subject alternative names, so a peer that
    /// checks host names finds them there.
    /// </summary>
    public static X509Certificate2 Issue(X509Certificate2 authority, string name, IEnumerable<IPAddress> ips, IEnumerable<string> dnsNames,
        DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        if (!authority.HasPrivateKey)
            throw new TlsException("the CA certificate has no private key; issuing needs the CA's key (ca.key)");
        if (notAfter > authority.NotAfter)
            throw new TlsException($"the certificate would outlive its CA, which expires {authority.NotAfter.ToUniversalTime():yyyy-MM-dd}; use fewer --days");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(name)}, O=ActorCluster"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuth), new Oid(ClientAuth)], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        request.CertificateExtensions.Add(SubjectAlternativeNames(name, ips, dnsNames));

        var start = notBefore < authority.NotBefore ? new DateTimeOffset(authority.NotBefore) : notBefore;
        using var signed = request.Create(authority, start, notAfter, NewSerialNumber());
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>A certificate valid from now (less the clock skew) for <paramref name="days"/> days.</summary>
    public static X509Certificate2 Issue(X509Certificate2 authority, string name, IEnumerable<IPAddress> ips, IEnumerable<string> dnsNames, int days = DefaultDays) =>
        Issue(authority, name, ips, dnsNames, DateTimeOffset.UtcNow - ClockSkew, DateTimeOffset.UtcNow.AddDays(days));

    /// <summary>True for a name that may stand in a certificate as a DNS name (letters, digits, '-', '.', a leading '*.').</summary>
    public static bool IsDnsName(string name) =>
        name.Length is > 0 and <= 253
        && !IPAddress.TryParse(name, out _)
        && name.Split('.').Select((label, i) => i == 0 && label == "*" || IsDnsLabel(label)).All(ok => ok);

    private static bool IsDnsLabel(string label) =>
        label.Length is > 0 and <= 63 && label[0] != '-' && label[^1] != '-' && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static X509Extension SubjectAlternativeNames(string name, IEnumerable<IPAddress> ips, IEnumerable<string> dnsNames)
    {
        var san = new SubjectAlternativeNameBuilder();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (IPAddress.TryParse(name, out var nameIp) && seen.Add(nameIp.ToString())) san.AddIpAddress(nameIp);
        else if (IsDnsName(name) && seen.Add(name)) san.AddDnsName(name);
        foreach (var ip in ips)
            if (seen.Add(ip.ToString())) san.AddIpAddress(ip);
        foreach (var dns in dnsNames)
            if (seen.Add(dns)) san.AddDnsName(dns);
        return san.Build();
    }

    /// <summary>Random and positive (the top bit clear), as RFC 5280 asks of serial numbers.</summary>
    private static byte[] NewSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        serial[0] |= 0x01;
        return serial;
    }

    /// <summary>A name is one RDN value: characters that would start another RDN are quoted away.</summary>
    private static string Escape(string value) =>
        value.IndexOfAny([',', '+', '"', '\\', '<', '>', ';', '=']) < 0 && value.Trim() == value ? value : "\"" + value.Replace("\"", "\\\"") + "\"";
}
