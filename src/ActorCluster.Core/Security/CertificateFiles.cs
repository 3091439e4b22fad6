using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorCluster.Core.Text;

namespace ActorCluster.Core.Security;

/// <summary>
/// Certificates and keys on disk as PEM: <c>NAME.crt</c> and <c>NAME.key</c> side by side, the CA as <c>ca.crt</c>
/// and <c>ca.key</c>. A private key file is created readable by its owner only (0600) from the first byte on,
/// never widened and narrowed afterwards, and nothing existing is overwritten unless asked.
/// </summary>
public static class CertificateFiles
{
    public const string CaName = "ca";
    public const string CertificateExtension = ".crt";
    public const string KeyExtension = ".key";

    public static string CertificatePath(string dir, string name) => Path.Combine(dir, name + CertificateExtension);

    public static string KeyPath(string dir, string name) => Path.Combine(dir, name + KeyExtension);

    /// <summary>
    /// A name that becomes a file name: letters, digits, '.', '-' and '_', starting with a letter or digit; null when
    /// fine, else the reason.
    /// </summary>
    public static string? CheckName(string name) =>
        name.Length is > 0 and <= 64 && char.IsAsciiLetterOrDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')
            ? null
            : $"--name must be 1 to 64 letters, digits, '.', '-' or '_' starting with a letter or digit (it names the files), got '{Echo.Shorten(name)}'";

    /// <summary>Writes <paramref name="certificate"/> and its private key as DIR/NAME.crt and DIR/NAME.key; returns both paths.</summary>
    public static (string Certificate, string Key) Write(string dir, string name, X509Certificate2 certificate, bool force)
    {
        var certPath = CertificatePath(dir, name);
        var keyPath = KeyPath(dir, name);
        WriteAll(dir, [(certPath, certificate.ExportCertificatePem() + "\n", false), (keyPath, PrivateKeyPem(certificate), true)], force);
        return (certPath, keyPath);
    }

    /// <summary>Writes only the certificate (the CA's, next to a node's own): DIR/NAME.crt.</summary>
    public static string WriteCertificate(string dir, string name, X509Certificate2 certificate, bool force)
    {
        var path = CertificatePath(dir, name);
        WriteAll(dir, [(path, certificate.ExportCertificatePem() + "\n", false)], force);
        return path;
    }

    /// <summary>The CA of <c>certs issue --ca DIR</c>: DIR/ca.crt with DIR/ca.key.</summary>
    public static X509Certificate2 LoadAuthority(string dir)
    {
        if (!Directory.Exists(dir))
            throw new TlsException($"CA directory '{Echo.Shorten(dir)}' does not exist; make a CA with `actorcluster certs init --out {Echo.Shorten(dir)}`");
        var cert = CertificatePath(dir, CaName);
        var key = KeyPath(dir, CaName);
        foreach (var path in new[] { cert, key })
            if (!File.Exists(path))
                throw new TlsException($"'{Echo.Shorten(path)}' is missing: --ca must be a directory made by `actorcluster certs init`");
        var authority = LoadIdentity(cert, key, password: null);
        if (authority.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            throw new TlsException($"'{Echo.Shorten(cert)}' is not a CA certificate");
        return authority;
    }

    /// <summary>A certificate without its key (the CA a node trusts): the first certificate of a PEM or DER file.</summary>
    public static X509Certificate2 LoadCertificate(string path)
    {
        RequireFile(path, "certificate");
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (CryptographicException e)
        {
            throw new TlsException($"'{Echo.Shorten(path)}' is not a certificate: {OneLine(e)}", e);
        }
    }

    /// <summary>
    /// A certificate with its private key: a PKCS#12 file (.pfx, .p12) opened with <paramref name="password"/>, or a
    /// PEM certificate with its PEM key from <paramref name="keyPath"/> (or from the same file when that is null),
    /// an encrypted PKCS#8 key when a password is given.
    /// </summary>
    public static X509Certificate2 LoadIdentity(string certPath, string? keyPath, string? password)
    {
        RequireFile(certPath, "certificate");
        if (keyPath is not null) RequireFile(keyPath, "key");
        try
        {
            X509Certificate2 identity;
            if (IsPkcs12(certPath))
                identity = X509CertificateLoader.LoadPkcs12FromFile(certPath, password, X509KeyStorageFlags.EphemeralKeySet);
            else if (password is not null)
                identity = X509Certificate2.CreateFromEncryptedPemFile(certPath, password, keyPath);
            else
                identity = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            if (!identity.HasPrivateKey)
                throw new TlsException($"'{Echo.Shorten(certPath)}' has no private key");
            return identity;
        }
        catch (CryptographicException e)
        {
            var what = keyPath is null ? $"'{Echo.Shorten(certPath)}'" : $"'{Echo.Shorten(certPath)}' with key '{Echo.Shorten(keyPath)}'";
            throw new TlsException($"cannot load {what}: {OneLine(e)}" + (password is null ? " (an encrypted key needs --tls-password)" : ""), e);
        }
        catch (ArgumentException e)
        {
            throw new TlsException($"cannot load '{Echo.Shorten(certPath)}': {OneLine(e)}", e);
        }
    }

    private static bool IsPkcs12(string path) =>
        path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);

    private static string PrivateKeyPem(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey() as AsymmetricAlgorithm ?? certificate.GetRSAPrivateKey()
            ?? throw new TlsException("the certificate has no private key to write");
        return key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    /// <summary>Checks every target first, so a refusal leaves nothing half-written.</summary>
    private static void WriteAll(string dir, IReadOnlyList<(string Path, string Content, bool Secret)> files, bool force)
    {
        if (!force && files.FirstOrDefault(f => File.Exists(f.Path)) is { Path: { } existing })
            throw new TlsException($"'{Echo.Shorten(existing)}' exists; use --force to overwrite it");
        try
        {
            Directory.CreateDirectory(dir);
            foreach (var (path, content, secret) in files)
            {
                // Deleted rather than truncated: an existing file keeps its mode, and a key must never inherit a wider one.
                if (force) File.Delete(path);
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                    options.UnixCreateMode = secret
                        ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                        : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
                using var stream = new FileStream(path, options);
                using var writer = new StreamWriter(stream);
                writer.Write(content);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TlsException($"cannot write to '{Echo.Shorten(dir)}': {OneLine(e)}", e);
        }
    }

    private static void RequireFile(string path, string what)
    {
        if (!File.Exists(path))
            throw new TlsException($"{what} file '{Echo.Shorten(path)}' does not exist");
    }

    private static string OneLine(Exception e) => e.Message.ReplaceLineEndings(" ").Trim();
}
