using ActorCluster.Core.Security;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace ActorCluster.Protocol.Security;

/// <summary>
/// Mutual TLS on Akka.Remote (DotNetty), the same for nodes and clients: each side presents its certificate and
/// accepts the other's only if the cluster CA signed it (<see cref="ClusterTrust"/>); the machine's trust store
/// is never consulted. Host names are not checked: nodes move between addresses and are named by their
/// certificate's CA, not by where they are reached.
/// </summary>
public static class RemoteTls
{
    /// <summary>What makes the DotNetty transport speak TLS; the certificate itself comes from <see cref="Setup"/>.</summary>
    public const string Hocon = "akka.remote.dot-netty.tcp.enable-ssl = true";

    /// <summary>
    /// Replaces Akka's own chain check, which trusts the OS store, so a certificate from any public CA would pass.
    /// Runs on both sides of every handshake; a refusal fails the handshake and is logged as a warning. (A peer that
    /// sends no certificate at all is refused, and logged, by Akka before this runs.)
    /// </summary>
    public static CertificateValidationCallback Validator(ClusterTrust trust) => (certificate, _, peer, _, log) =>
    {
        var problem = trust.Check(certificate);
        if (problem is null) return true;
        log.Warning("TLS: refused peer {0}: {1}", peer, problem);
        return false;
    };

    /// <summary>For an ActorSystem built without Akka.Hosting (the job client).</summary>
    public static DotNettySslSetup Setup(TlsIdentity tls) =>
        new(tls.Certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false, Validator(tls.Trust));
}
