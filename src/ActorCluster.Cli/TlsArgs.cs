using System.CommandLine;
using ActorCluster.Admin.CommandLine;
using ActorCluster.Core.Security;
using ActorCluster.Node.Hosting;

namespace ActorCluster.Cli;

/// <summary>
/// <c>--tls-cert</c>, <c>--tls-key</c>, <c>--tls-password</c>, <c>--tls-ca</c>: the same four options on every command
/// that talks to the cluster port (node, submit, jobs). Each setting on its own: flag, else environment variable,
/// else (for a node) node.hocon's <c>actorcluster.tls.*</c>.
/// </summary>
public sealed class TlsArgs
{
    public Option<string?> Certificate { get; } = CliOption.Text("--tls-cert", "FILE",
        $"this node's or client's certificate for mutual TLS (PEM, or .pfx/.p12 with its key) (env {TlsOptions.CertificateVariable})");

    public Option<string?> Key { get; } = CliOption.Text("--tls-key", "FILE",
        $"its private key (PEM); default: in the certificate file (env {TlsOptions.KeyVariable})");

    public Option<string?> Password { get; } = CliOption.Text("--tls-password", "PASSWORD",
        $"password of an encrypted key or a .pfx; prefer env {TlsOptions.PasswordVariable}, as every local user can read a command line");

    public Option<string?> Authority { get; } = CliOption.Text("--tls-ca", "FILE",
        $"the cluster CA certificate: only peers it signed are accepted (env {TlsOptions.AuthorityVariable})");

    public IEnumerable<Option> All => [Certificate, Key, Password, Authority];

    /// <summary>The four options, recursive for a command whose verbs share them (jobs).</summary>
    public static TlsArgs Create(bool recursive = false)
    {
        var args = new TlsArgs();
        foreach (var option in args.All) option.Recursive = recursive;
        return args;
    }

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Add(option);
    }

    /// <summary>The files to load, or null when TLS is off; <paramref name="file"/> is a node's config, null for clients.</summary>
    public TlsOptions? Resolve(ParseResult parsed, string command, NodeConfigFile? file = null)
    {
        string? Pick(Option<string?> flag, string variable, string key) =>
            parsed.GetValue(flag) ?? Env(variable) ?? file?.Text(key);
        try
        {
            return TlsOptions.From(
                Pick(Certificate, TlsOptions.CertificateVariable, NodeConfigFile.TlsCertificateKey),
                Pick(Key, TlsOptions.KeyVariable, NodeConfigFile.TlsKeyKey),
                Pick(Password, TlsOptions.PasswordVariable, NodeConfigFile.TlsPasswordKey),
                Pick(Authority, TlsOptions.AuthorityVariable, NodeConfigFile.TlsAuthorityKey));
        }
        catch (TlsException e)
        {
            throw new UsageException($"{command}: {e.Message}");
        }
    }

    /// <summary>Reads the certificate, key and CA; a file that is missing or wrong is a one-line usage error.</summary>
    public static TlsIdentity? Load(TlsOptions? options, string command)
    {
        if (options is null) return null;
        try
        {
            return TlsIdentity.Load(options);
        }
        catch (TlsException e)
        {
            throw new UsageException($"{command}: {e.Message}");
        }
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
}
