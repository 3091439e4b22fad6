using System.CommandLine;
using System.Net;
using ActorCluster.Admin.CommandLine;
using ActorCluster.Core.Security;
using ActorCluster.Core.Text;

namespace ActorCluster.Cli;

/// <summary>
/// <c>actorcluster certs init | issue</c>: the cluster's own CA and the certificates it signs for nodes and clients,
/// made with .NET's certificate APIs (no openssl). Private keys are written 0600; nothing is overwritten without --force.
/// </summary>
public static class CertsCommand
{
    public static Command Create()
    {
        var certs = new Command("certs", "make the cluster CA (init) and node or client certificates signed by it (issue)");
        certs.Add(Init());
        certs.Add(Issue());
        certs.SetAction(int (_) => throw new UsageException("certs: usage: actorcluster certs init --out DIR | issue --ca DIR --name NAME --out DIR"));
        return certs;
    }

    private static Command Init()
    {
        var output = CliOption.Text("--out", "DIR", "directory for ca.crt and ca.key (created if missing)");
        var name = CliOption.Text("--name", "NAME", $"the CA's common name (default \"{ClusterCertificates.DefaultCaName}\")");
        var days = CliOption.Int("--days", "N", $"days the CA is valid (default {ClusterCertificates.DefaultCaDays})", 1, 36500);
        var force = CliOption.Flag("--force", "overwrite an existing ca.crt and ca.key");
        var command = new Command("init", "make a cluster CA: DIR/ca.crt (give it to every node and client) and DIR/ca.key (keep it secret)")
        {
            output, name, days, force,
        };
        RequireAll(command, output).SetAction(parsed => Run(parsed, console =>
        {
            var dir = parsed.GetValue(output)!;
            var ca = ClusterCertificates.CreateAuthority(parsed.GetValue(name) ?? ClusterCertificates.DefaultCaName,
                parsed.GetValue(days) ?? ClusterCertificates.DefaultCaDays);
            var (cert, key) = CertificateFiles.Write(dir, CertificateFiles.CaName, ca, parsed.GetValue(force));
            console.WriteLine($"CA '{ca.Subject}' valid until {ca.NotAfter.ToUniversalTime():yyyy-MM-dd}");
            console.WriteLine($"wrote {cert}");
            console.WriteLine($"wrote {key} (private key, mode 0600: keep it off the nodes)");
            console.WriteLine($"next: actorcluster certs issue --ca {dir} --name NODE --out DIR");
        }));
        return command;
    }

    private static Command Issue()
    {
        var ca = CliOption.Text("--ca", "DIR", "the CA directory `certs init` made (ca.crt and ca.key)");
        var name = CliOption.Text("--name", "NAME", "the node's or client's name: the certificate's subject and file names (NAME.crt, NAME.key)")
            .Check(given => CertificateFiles.CheckName(given!));
        var days = CliOption.Int("--days", "N", $"days the certificate is valid (default {ClusterCertificates.DefaultDays})", 1, 36500);
        var ips = CliOption.Repeated("--ip", "ADDRESS", "an IP address the certificate names too, repeatable")
            .Check(values => values.FirstOrDefault(v => !IPAddress.TryParse(v, out _)) is { } bad ? $"--ip '{Echo.Shorten(bad)}' is not an IP address" : null);
        var dns = CliOption.Repeated("--dns", "NAME", "a DNS name the certificate names too, repeatable")
            .Check(values => values.FirstOrDefault(v => !ClusterCertificates.IsDnsName(v)) is { } bad ? $"--dns '{Echo.Shorten(bad)}' is not a DNS name" : null);
        var output = CliOption.Text("--out", "DIR", "directory for NAME.crt, NAME.key and a copy of ca.crt (created if missing)");
        var force = CliOption.Flag("--force", "overwrite existing files");
        var command = new Command("issue", "issue a certificate signed by the cluster CA, for a node or a client (it allows both TLS roles)")
        {
            ca, name, days, ips, dns, output, force,
        };
        RequireAll(command, ca, name, output).SetAction(parsed => Run(parsed, console =>
        {
            var caDir = parsed.GetValue(ca)!;
            var dir = parsed.GetValue(output)!;
            var overwrite = parsed.GetValue(force);
            var authority = CertificateFiles.LoadAuthority(caDir);
            var certificate = ClusterCertificates.Issue(authority, parsed.GetValue(name)!,
                (parsed.GetValue(ips) ?? []).Select(IPAddress.Parse), parsed.GetValue(dns) ?? [],
                parsed.GetValue(days) ?? ClusterCertificates.DefaultDays);
            var caPath = CertificateFiles.CertificatePath(dir, CertificateFiles.CaName);
            var caPresent = File.Exists(caPath) && CertificateFiles.LoadCertificate(caPath).Thumbprint == authority.Thumbprint;
            if (!caPresent && File.Exists(caPath) && !overwrite)
                throw new TlsException($"'{Echo.Shorten(caPath)}' is another CA's certificate; use --force to overwrite it, or another --out");
            var (cert, key) = CertificateFiles.Write(dir, parsed.GetValue(name)!, certificate, overwrite);
            // A copy of the CA next to the issued files, so one directory holds everything a node or client needs.
            var caCopy = caPresent ? null : CertificateFiles.WriteCertificate(dir, CertificateFiles.CaName, authority, force: true);
            console.WriteLine($"certificate '{certificate.Subject}' signed by '{authority.Subject}', valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}");
            console.WriteLine($"wrote {cert}");
            console.WriteLine($"wrote {key} (private key, mode 0600)");
            if (caCopy is not null) Console.WriteLine($"wrote {caCopy}");
            console.WriteLine($"use: --tls-cert {cert} --tls-key {key} --tls-ca {caPath}");
        }));
        return command;
    }

    /// <summary>"--out DIR is required" for the first of <paramref name="required"/> not given (System.CommandLine's own words differ).</summary>
    private static Command RequireAll(Command command, params Option<string?>[] required)
    {
        command.Validators.Add(result =>
        {
            if (required.FirstOrDefault(o => result.GetValue(o) is null) is { } missing)
                result.AddError($"{missing.Name} {missing.HelpName} is required");
        });
        return command;
    }

    /// <summary>A certificate that cannot be made or written is one line and exit code 1 (the command line itself was fine).</summary>
    private static int Run(ParseResult parsed, Action<TextWriter> action)
    {
        try
        {
            action(parsed.InvocationConfiguration.Output);
            return 0;
        }
        catch (TlsException e)
        {
            parsed.InvocationConfiguration.Error.WriteLine($"error: certs: {e.Message}");
            return 1;
        }
    }
}
