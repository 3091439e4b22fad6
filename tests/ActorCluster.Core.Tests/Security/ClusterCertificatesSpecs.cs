using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using ActorCluster.Core.Security;

namespace ActorCluster.Core.Tests.Security;

public sealed class ClusterCertificatesSpecs : IDisposable
{
    // Valid from a month ago, so it can have issued a certificate that has expired since.
    private static readonly X509Certificate2 Ca = ClusterCertificates.CreateAuthority("test CA", DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddYears(10));
    private readonly string _dir = Directory.CreateTempSubdirectory("actorcluster-certs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Should_trust_a_certificate_the_cluster_ca_issued()
    {
        var node = ClusterCertificates.Issue(Ca, "node1", [IPAddress.Parse("10.0.0.5")], ["node1.example"]);

        var verdict = new ClusterTrust(Ca).Check(node);

        Assert.Null(verdict);
        Assert.Equal("CN=node1, O=ActorCluster", node.Subject);
        Assert.True(node.HasPrivateKey);
        var san = node.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["node1", "node1.example"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Parse("10.0.0.5")], san.EnumerateIPAddresses());
        var eku = node.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], eku);
        Assert.False(node.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
    }

    [Fact]
    public void Should_make_a_ca_that_may_only_sign_certificates()
    {
        var constraints = Ca.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        var usage = Ca.Extensions.OfType<X509KeyUsageExtension>().Single();

        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.HasPathLengthConstraint);
        Assert.Equal(0, constraints.PathLengthConstraint);
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, usage.KeyUsages);
        Assert.Equal(Ca.Subject, Ca.Issuer);
    }

    [Fact]
    public void Should_refuse_a_peer_without_a_certificate()
    {
        Assert.Equal("no certificate presented", new ClusterTrust(Ca).Check(null));
    }

    [Fact]
    public void Should_refuse_a_self_signed_certificate()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new CertificateRequest("CN=node1", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new("1.3.6.1.5.5.7.3.1"), new("1.3.6.1.5.5.7.3.2")], false));
        var selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        var verdict = new ClusterTrust(Ca).Check(selfSigned);

        Assert.NotNull(verdict);
        Assert.StartsWith("certificate 'CN=node1'", verdict);
    }

    [Fact]
    public void Should_refuse_a_certificate_of_another_ca_with_the_same_name()
    {
        var otherCa = ClusterCertificates.CreateAuthority("test CA");
        var foreign = ClusterCertificates.Issue(otherCa, "node1", [], []);

        var verdict = new ClusterTrust(Ca).Check(foreign);

        Assert.NotNull(verdict);
        Assert.Null(new ClusterTrust(otherCa).Check(foreign));
    }

    [Fact]
    public void Should_refuse_an_expired_certificate_and_one_not_yet_valid()
    {
        var expired = ClusterCertificates.Issue(Ca, "old", [], [], DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));
        var current = ClusterCertificates.Issue(Ca, "new", [], [], DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var trustNextYear = new ClusterTrust(Ca, () => DateTime.Now.AddYears(1).AddDays(-100));
        var trustLastYear = new ClusterTrust(Ca, () => DateTime.Now.AddDays(-2));

        Assert.NotNull(new ClusterTrust(Ca).Check(expired));
        Assert.Null(new ClusterTrust(Ca).Check(current));
        Assert.NotNull(trustNextYear.Check(current));
        Assert.NotNull(trustLastYear.Check(current));
    }

    [Fact]
    public void Should_refuse_a_certificate_not_allowed_for_client_authentication()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new CertificateRequest("CN=web", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new("1.3.6.1.5.5.7.3.1")], false));
        var serverOnly = request.Create(Ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3]);

        Assert.NotNull(new ClusterTrust(Ca).Check(serverOnly));
    }

    [Fact]
    public void Should_refuse_a_trust_anchor_that_is_not_a_ca()
    {
        var node = ClusterCertificates.Issue(Ca, "node1", [], []);

        var error = Assert.Throws<TlsException>(() => new ClusterTrust(node));

        Assert.Contains("is not a CA", error.Message);
    }

    [Fact]
    public void Should_not_issue_a_certificate_that_outlives_its_ca()
    {
        var shortCa = ClusterCertificates.CreateAuthority("short", days: 10);

        var error = Assert.Throws<TlsException>(() => ClusterCertificates.Issue(shortCa, "node1", [], [], days: 30));

        Assert.Contains("would outlive its CA", error.Message);
    }

    [Fact]
    public void Should_write_the_key_readable_by_its_owner_only_and_load_both_back()
    {
        var node = ClusterCertificates.Issue(Ca, "node1", [], []);

        var (certPath, keyPath) = CertificateFiles.Write(_dir, "node1", node, force: false);
        var loaded = CertificateFiles.LoadIdentity(certPath, keyPath, password: null);

        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
        Assert.Equal(node.Thumbprint, loaded.Thumbprint);
        Assert.True(loaded.HasPrivateKey);
        Assert.Null(new TlsIdentity(loaded, Ca).Trust.Check(loaded));
    }

    [Fact]
    public void Should_not_overwrite_existing_files_without_force()
    {
        var first = ClusterCertificates.Issue(Ca, "node1", [], []);
        var second = ClusterCertificates.Issue(Ca, "node1", [], []);
        var (certPath, keyPath) = CertificateFiles.Write(_dir, "node1", first, force: false);

        var error = Assert.Throws<TlsException>(() => CertificateFiles.Write(_dir, "node1", second, force: false));
        var kept = CertificateFiles.LoadIdentity(certPath, keyPath, null).Thumbprint;
        CertificateFiles.Write(_dir, "node1", second, force: true);
        var replaced = CertificateFiles.LoadIdentity(certPath, keyPath, null).Thumbprint;

        Assert.Equal($"'{certPath}' exists; use --force to overwrite it", error.Message);
        Assert.Equal(first.Thumbprint, kept);
        Assert.Equal(second.Thumbprint, replaced);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
    }

    [Fact]
    public void Should_load_the_ca_for_issuing_from_the_directory_init_writes()
    {
        CertificateFiles.Write(_dir, CertificateFiles.CaName, Ca, force: false);

        var authority = CertificateFiles.LoadAuthority(_dir);
        var missing = Assert.Throws<TlsException>(() => CertificateFiles.LoadAuthority(Path.Combine(_dir, "nope")));

        Assert.Equal(Ca.Thumbprint, authority.Thumbprint);
        Assert.True(authority.HasPrivateKey);
        Assert.Contains("does not exist; make a CA with `actorcluster certs init --out", missing.Message);
    }

    [Fact]
    public void Should_load_a_password_protected_pkcs12_and_say_when_the_password_is_wrong()
    {
        var node = ClusterCertificates.Issue(Ca, "node1", [], []);
        var pfx = Path.Combine(_dir, "node1.pfx");
        File.WriteAllBytes(pfx, node.Export(X509ContentType.Pkcs12, "s3cret"));

        var loaded = CertificateFiles.LoadIdentity(pfx, null, "s3cret");
        var wrong = Assert.Throws<TlsException>(() => CertificateFiles.LoadIdentity(pfx, null, "nope"));

        Assert.Equal(node.Thumbprint, loaded.Thumbprint);
        Assert.True(loaded.HasPrivateKey);
        Assert.StartsWith($"cannot load '{pfx}'", wrong.Message);
        Assert.DoesNotContain("\n", wrong.Message);
    }

    [Fact]
    public void Should_refuse_a_certificate_the_ca_did_not_issue_as_this_nodes_own()
    {
        var foreign = ClusterCertificates.Issue(ClusterCertificates.CreateAuthority("other"), "node1", [], []);

        var error = Assert.Throws<TlsException>(() => new TlsIdentity(foreign, Ca));

        Assert.StartsWith("--tls-cert is not trusted by --tls-ca: certificate 'CN=node1, O=ActorCluster'", error.Message);
    }

    [Theory]
    [InlineData("node1", null)]
    [InlineData("10.0.0.5", null)]
    [InlineData("../etc/passwd", "--name must be")]
    [InlineData("", "--name must be")]
    [InlineData("a b", "--name must be")]
    public void Should_accept_only_names_that_make_safe_file_names(string name, string? error)
    {
        var verdict = CertificateFiles.CheckName(name);

        if (error is null) Assert.Null(verdict);
        else Assert.StartsWith(error, verdict);
    }

    [SkippableFact]
    public async Task Should_issue_certificates_openssl_verifies_against_the_ca()
    {
        Skip.IfNot(File.Exists("/usr/bin/openssl"), "openssl is not installed (it is only the independent check)");
        CertificateFiles.Write(_dir, "ca", Ca, force: false);
        CertificateFiles.Write(_dir, "node1", ClusterCertificates.Issue(Ca, "node1", [], []), force: false);
        CertificateFiles.Write(_dir, "stranger", ClusterCertificates.Issue(ClusterCertificates.CreateAuthority("test CA"), "node1", [], []), force: false);

        var good = await OpenSsl("verify", "-purpose", "sslclient", "-CAfile", Path.Combine(_dir, "ca.crt"), Path.Combine(_dir, "node1.crt"));
        var server = await OpenSsl("verify", "-purpose", "sslserver", "-CAfile", Path.Combine(_dir, "ca.crt"), Path.Combine(_dir, "node1.crt"));
        var bad = await OpenSsl("verify", "-CAfile", Path.Combine(_dir, "ca.crt"), Path.Combine(_dir, "stranger.crt"));
        var key = await OpenSsl("pkey", "-in", Path.Combine(_dir, "node1.key"), "-noout");

        Assert.True(good.Code == 0, good.Output);
        Assert.True(server.Code == 0, server.Output);
        Assert.NotEqual(0, bad.Code);
        Assert.True(key.Code == 0, key.Output);
    }

    private static async Task<(int Code, string Output)> OpenSsl(params string[] args)
    {
        var info = new ProcessStartInfo("/usr/bin/openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await output + await error);
    }
}
