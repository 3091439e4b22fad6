using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ActorCluster.Core.Security;

namespace ActorCluster.Admin.Protocol;

/// <summary>
/// TLS for the pbm protocol, so a token never crosses the network in clear text. The host presents the node's
/// certificate; pbm accepts it only if the cluster CA signed it (host names are not checked: the admin port is
/// reached by whatever address works). pbm may present a certificate of its own, which the host then checks the
/// same way; the token is still what lets a client in.
/// </summary>
/// <param name="Certificate">The host's certificate (required there); for pbm, its optional client certificate.</param>
public sealed record AdminTls(ClusterTrust Trust, X509Certificate2? Certificate)
{
    /// <summary>The host's side of the handshake; throws <see cref="AuthenticationException"/> when it fails.</summary>
    public async Task<SslStream> AcceptAsync(Stream inner, CancellationToken ct)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = Certificate ?? throw new InvalidOperationException("the admin host needs a certificate for TLS"),
                // Asked for, not required: without one the token decides; with one, it must be the cluster's.
                ClientCertificateRequired = true,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is null || Trust.Check(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData())) is null,
            }, ct).ConfigureAwait(false);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>pbm's side: throws <see cref="AuthenticationException"/> naming why the host's certificate was refused.</summary>
    public async Task<SslStream> ConnectAsync(Stream inner, string host, CancellationToken ct)
    {
        string? refusal = null;
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                ClientCertificates = Certificate is null ? null : [Certificate],
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    refusal = Trust.Check(certificate is null ? null : certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
                    return refusal is null;
                },
            }, ct).ConfigureAwait(false);
            return ssl;
        }
        catch (AuthenticationException e) when (refusal is not null)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new AuthenticationException($"the host's {refusal}", e);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
