using ActorCluster.Core.Text;
using System.CommandLine;
using System.Text;
using ActorCluster.Admin.CommandLine;
using ActorCluster.Core.Net;
using ActorCluster.Core.Security;
using ActorCluster.Admin.Hosting;
using ActorCluster.Admin.Protocol;

namespace ActorCluster.Admin.Client;

/// <summary>
/// The <c>pbm</c> command line: <c>pbm [host:port] &lt;palette&gt; &lt;command&gt; [switches]</c> runs one command,
/// <c>pbm [host:port]</c> opens a prompt. Shared by the <c>pbm</c> tool and <c>actorcluster pbm</c>.
/// </summary>
public static class PbmConsole
{
    public const int ExitOk = 0;
    public const int ExitCommandFailed = 1;
    public const int ExitUsage = CommandLineRunner.ExitUsage;
    public const int ExitUnreachable = 3;
    public const int ExitTimeout = 4;
    public const int ExitInterrupted = 130;

    public const string DefaultEndpoint = "127.0.0.1:9110";

    public const string Description = "pbm: administer ActorCluster nodes through their command host";

    private const string Epilogue = """
        pbm [host:port] <palette> <command> [switches]   run one command (default host 127.0.0.1:9110)
        pbm [host:port]                                  interactive prompt (history, tab completion)
        pbm [host:port] help [palette]                   palettes the host offers / a palette's commands
        Options go before the palette: from the palette on, every word is the command host's.
        exit codes: 0 ok, 1 the command failed, 2 usage, 3 host unreachable or refused us, 4 timeout
        """;

    /// <summary>Runs pbm on the real console, with Ctrl+C ending a streaming command instead of the process.</summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, ConsoleIo(), CancellationToken.None);

    public static Task<int> RunAsync(IReadOnlyList<string> args, PbmIo io, CancellationToken interrupt)
    {
        var root = Define(CommandLineRunner.CreateRoot(Description), io, interrupt);
        return CommandLineRunner.InvokeAsync(root.Parse(Arrange(args, root)), "pbm", io.Out, io.Err);
    }

    public static PbmIo ConsoleIo() =>
        new(Console.Out, Console.Error, Console.In, Terminal: !Console.IsInputRedirected && !Console.IsOutputRedirected);

    /// <summary>Gives <paramref name="command"/> pbm's arguments, options and action: the <c>pbm</c> tool's root and <c>actorcluster pbm</c> alike.</summary>
    public static TCommand Define<TCommand>(TCommand command, PbmIo io, CancellationToken interrupt) where TCommand : Command
    {
        var token = CliOption.Text("--token", "TOKEN",
            $"admin token (default: env {CommandHostOptions.TokenVariable}, then for a node on this machine the token file it wrote for this user in {AdminTokenFile.Directory})");
        var timeout = CliOption.Parsed<int?>("--timeout", "SECONDS", "wait this long for a non-streaming answer (default 35)",
            raw => int.TryParse(raw, out var seconds) && seconds >= 1 ? (seconds, null) : (null, $"--timeout must be a whole number of seconds, got '{raw}'"));
        var endpoint = new Argument<string?>("host:port")
        {
            Description = $"the node's command host (default {DefaultEndpoint})",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var words = new Argument<string[]>("palette command switches")
        {
            Description = "a palette, one of its commands and its switches, passed to the command host as they are; none: interactive prompt",
            Arity = ArgumentArity.ZeroOrMore,
        };
        command.Add(endpoint);
        command.Add(words);
        command.Add(token);
        command.Add(timeout);
        var tlsCa = CliOption.Text("--tls-ca", "FILE", "talk TLS to a command host bound off loopback, accepting only a certificate this cluster CA signed");
        var tlsCert = CliOption.Text("--tls-cert", "FILE", "with --tls-ca: present this client certificate too (PEM or .pfx)");
        var tlsKey = CliOption.Text("--tls-key", "FILE", "its private key (PEM); default: in the certificate file");
        var tlsPassword = CliOption.Text("--tls-password", "PASSWORD", "password of an encrypted key or a .pfx");
        foreach (var option in new[] { tlsCa, tlsCert, tlsKey, tlsPassword }) command.Add(option);
        command.Validators.Add(result =>
        {
            if (Words(result.GetValue(endpoint), result.GetValue(words)) is [var first, ..] && HostPort.LooksLikeEndpoint(first) && !HostPort.TryParse(first, out _))
                result.AddError($"'{Echo.Shorten(first)}' is not host:port");
        });
        command.SetAction(parsed =>
        {
            var all = Words(parsed.GetValue(endpoint), parsed.GetValue(words));
            var endpointGiven = all.Count > 0 && HostPort.LooksLikeEndpoint(all[0]);
            var target = HostPort.Parse(endpointGiven ? all[0] : DefaultEndpoint);
            var envToken = Environment.GetEnvironmentVariable(CommandHostOptions.TokenVariable) is { Length: > 0 } env ? env : null;
            AdminTls? tls;
            try
            {
                tls = LoadTls(parsed.GetValue(tlsCa), parsed.GetValue(tlsCert), parsed.GetValue(tlsKey), parsed.GetValue(tlsPassword));
            }
            catch (TlsException e)
            {
                io.Err.WriteLine($"error: {e.Message}");
                return Task.FromResult(ExitUsage);
            }
            // The local token file only for a loopback target: a remote host on the same port number must never get it.
            var fileToken = CommandHost.IsLoopbackHost(target.Host) ? AdminTokenFile.Read(target.Port) : null;
            var args = new ParsedArgs(target.Host, target.Port, parsed.GetValue(token) ?? envToken ?? fileToken,
                TimeSpan.FromSeconds(parsed.GetValue(timeout) ?? 35), endpointGiven ? all.Skip(1).ToList() : all, tls);
            return ConnectAndRunAsync(args, io, interrupt);
        });
        return command.WithEpilogue(Epilogue);
    }

    /// <summary>
    /// TLS only when asked for with --tls-ca. Deliberately no ACTORCLUSTER_TLS_* variables here: a node's own
    /// environment sets them, and the pbm run next to it talks to the loopback host, which has no TLS.
    /// </summary>
    private static AdminTls? LoadTls(string? ca, string? cert, string? key, string? password)
    {
        if (ca is null)
            return cert is null ? null : throw new TlsException("--tls-cert needs --tls-ca (the cluster CA the command host's certificate must be signed by)");
        var trust = new ClusterTrust(CertificateFiles.LoadCertificate(ca));
        return new AdminTls(trust, cert is null ? null : CertificateFiles.LoadIdentity(cert, key, password));
    }

    /// <summary>
    /// pbm's command line with a <c>--</c> before the palette, so that no word from the palette on is taken for one
    /// of pbm's options (a palette's switches and <c>help</c>/<c>--help</c> are the command host's).
    /// </summary>
    public static IReadOnlyList<string> Arrange(IReadOnlyList<string> args, Command pbm)
    {
        if (CommandLineRunner.IsDirective(args)) return args;
        var first = CommandLineRunner.FirstWord(args, 0, pbm);
        if (first < args.Count && HostPort.LooksLikeEndpoint(args[first]))
            first = CommandLineRunner.FirstWord(args, first + 1, pbm);
        return first < args.Count ? [.. args.Take(first), "--", .. args.Skip(first)] : args;
    }

    /// <summary>
    /// The words in order: the endpoint slot exists for help's sake, and after <c>--</c> System.CommandLine
    /// fills it with the palette when no endpoint came before.
    /// </summary>
    private static IReadOnlyList<string> Words(string? endpoint, string[]? words) =>
        endpoint is null ? words ?? [] : [endpoint, .. words ?? []];

    private static async Task<int> ConnectAndRunAsync(ParsedArgs parsed, PbmIo io, CancellationToken interrupt)
    {
        AdminClient client;
        try
        {
            client = await AdminClient.ConnectAsync(parsed.Host, parsed.Port, parsed.Token, TimeSpan.FromSeconds(5), interrupt, parsed.Tls);
        }
        catch (AdminClientException e)
        {
            io.Err.WriteLine($"error: {e.Message}");
            return ExitCodeOf(e);
        }
        catch (OperationCanceledException)
        {
            return ExitInterrupted;
        }
        await using (client)
        {
            var session = new Session(client, parsed, io);
            if (parsed.Command.Count == 0)
                return await session.InteractiveAsync(interrupt);
            return await session.RunLineAsync(parsed.Command, interrupt);
        }
    }

    public static int ExitCodeOf(AdminClientException e) => e.Failure switch
    {
        AdminFailure.Timeout => ExitTimeout,
        AdminFailure.Unreachable or AdminFailure.Rejected => ExitUnreachable,
        _ => ExitCommandFailed,
    };

    /// <summary>Splits a prompt line into words; quotes keep spaces inside one word.</summary>
    public static List<string> Tokenize(string line)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        var inWord = false;
        foreach (var c in line)
        {
            if (quote is { } q)
            {
                if (c == q) quote = null;
                else current.Append(c);
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(current.ToString());
                current.Clear();
                inWord = false;
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }
        if (inWord) words.Add(current.ToString());
        return words;
    }

    /// <summary>Candidates for the word being typed, given the words before it (palettes, then commands, then switches).</summary>
    public static IReadOnlyList<string> Complete(IReadOnlyList<PaletteInfo> palettes, IReadOnlyList<string> before, string prefix)
    {
        IEnumerable<string> candidates = before.Count switch
        {
            0 => palettes.Select(p => p.Name).Concat(["help", "exit", "quit"]),
            1 when before[0] == "help" => palettes.Select(p => p.Name),
            1 => Find(palettes, before[0])?.Commands.Select(c => c.Name) ?? [],
            _ => Find(palettes, before[0])?.Commands.FirstOrDefault(c => c.Name == before[1])?.Arguments
                     .SelectMany(a => a.Switches).Where(s => !before.Contains(s)) ?? [],
        };
        return candidates.Where(c => c.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    private static PaletteInfo? Find(IReadOnlyList<PaletteInfo> palettes, string name) =>
        palettes.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    public sealed record PbmIo(TextWriter Out, TextWriter Err, TextReader In, bool Terminal);

    private sealed record ParsedArgs(string Host, int Port, string? Token, TimeSpan Timeout, IReadOnlyList<string> Command, AdminTls? Tls)
    {
        public string Endpoint => $"{Host}:{Port}";
    }

    private sealed class Session(AdminClient client, ParsedArgs args, PbmIo io)
    {
        private AdminClient _client = client;

        public async Task<int> RunLineAsync(IReadOnlyList<string> words, CancellationToken interrupt)
        {
            var palettes = _client.Palettes;
            if (words[0] is "help" or "?")
                return Help(words.Count > 1 ? words[1] : null);
            var palette = Find(palettes, words[0]);
            if (palette is null)
            {
                io.Err.WriteLine($"error: unknown palette '{words[0]}' (available: {string.Join(", ", palettes.Select(p => p.Name))})");
                return ExitUsage;
            }
            if (words.Count < 2 || words[1] is "help" or "--help" or "-h")
            {
                Help(palette.Name);
                return words.Count < 2 ? ExitUsage : ExitOk;
            }
            var command = palette.Commands.FirstOrDefault(c => string.Equals(c.Name, words[1], StringComparison.OrdinalIgnoreCase));
            if (command is null)
            {
                io.Err.WriteLine($"error: {palette.Name}: unknown command '{words[1]}' (available: {string.Join(", ", palette.Commands.Select(c => c.Name))})");
                return ExitUsage;
            }

            // Ctrl+C ends a streaming command (pbm's `cluster tail`) and returns to the prompt, not the shell.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
            ConsoleCancelEventHandler onCtrlC = (_, e) => { e.Cancel = true; stop.Cancel(); };
            if (io.Terminal || ReferenceEquals(io.Out, Console.Out)) Console.CancelKeyPress += onCtrlC;
            try
            {
                var outcome = await _client.RunAsync(palette.Name, command.Name, words.Skip(2).ToList(), line => io.Out.WriteLine(line),
                    command.Streaming ? null : args.Timeout, stop.Token);
                io.Out.Flush();
                if (outcome.Cancelled && !command.Streaming) return ExitInterrupted;
                if (outcome.Ok) return ExitOk;
                io.Err.WriteLine($"error: {outcome.Error}");
                return ExitCommandFailed;
            }
            catch (AdminClientException e)
            {
                io.Err.WriteLine($"error: {e.Message}");
                return ExitCodeOf(e);
            }
            catch (OperationCanceledException)
            {
                return ExitInterrupted;
            }
            finally
            {
                Console.CancelKeyPress -= onCtrlC;
            }
        }

        private int Help(string? paletteName)
        {
            var palettes = _client.Palettes;
            if (paletteName is null)
            {
                io.Out.WriteLine($"Palettes on {(_client.Node.Length > 0 ? _client.Node : _client.Endpoint)}:");
                foreach (var p in palettes)
                    io.Out.WriteLine($"  {p.Name,-18} {p.Description}");
                io.Out.WriteLine("Type `help <palette>` for its commands, `exit` to leave the prompt.");
                return ExitOk;
            }
            var palette = Find(palettes, paletteName);
            if (palette is null)
            {
                io.Err.WriteLine($"error: unknown palette '{paletteName}' (available: {string.Join(", ", palettes.Select(p => p.Name))})");
                return ExitUsage;
            }
            foreach (var c in palette.Commands)
            {
                var usage = string.Join(' ', new[] { palette.Name, c.Name }.Concat(c.Arguments.Select(a =>
                {
                    var text = a.Positional ? $"<{a.Name}>" : a.IsFlag ? a.Switches[0] : $"{a.Switches[0]} <{a.Name}>";
                    return a.Mandatory ? text : $"[{text}]";
                })));
                io.Out.WriteLine($"  {usage,-44} {c.Description}{(c.Streaming ? " (streams until Ctrl+C)" : "")}");
            }
            return ExitOk;
        }

        public async Task<int> InteractiveAsync(CancellationToken interrupt)
        {
            var prompt = $"[{args.Endpoint}] pbm> ";
            io.Out.WriteLine($"Connected to {(_client.Node.Length > 0 ? _client.Node : _client.Endpoint)}. Type `help` for palettes, `exit` to quit.");
            var editor = io.Terminal ? new LineEditor(HistoryFile()) : null;
            while (!interrupt.IsCancellationRequested)
            {
                string? line;
                if (editor is not null)
                {
                    line = editor.ReadLine(prompt, (before, prefix) => Complete(_client.Palettes, before, prefix));
                }
                else
                {
                    io.Out.Write(prompt);
                    io.Out.Flush();
                    line = io.In.ReadLine();
                    if (line is not null && !io.Terminal) io.Out.WriteLine(line);
                }
                if (line is null) break;
                var words = Tokenize(line);
                if (words.Count == 0) continue;
                if (words[0] is "exit" or "quit") break;
                if (!await EnsureConnectedAsync(interrupt)) continue;
                await RunLineAsync(words, interrupt);
            }
            editor?.SaveHistory();
            return ExitOk;
        }

        private async Task<bool> EnsureConnectedAsync(CancellationToken ct)
        {
            if (!_client.IsBroken) return true;
            try
            {
                var fresh = await AdminClient.ConnectAsync(args.Host, args.Port, args.Token, TimeSpan.FromSeconds(5), ct, args.Tls);
                await _client.DisposeAsync();
                _client = fresh;
                return true;
            }
            catch (AdminClientException e)
            {
                io.Err.WriteLine($"error: {e.Message}");
                return false;
            }
        }

        private static string? HistoryFile()
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".pbm_history");
        }
    }
}
