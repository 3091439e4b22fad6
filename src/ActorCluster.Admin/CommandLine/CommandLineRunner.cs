using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace ActorCluster.Admin.CommandLine;

/// <summary>
/// What <c>actorcluster</c> and <c>pbm</c> do with a command line: a usage error is ONE line on stderr and
/// exit code 2 (System.CommandLine would print every error and the whole help); --help prints help; anything
/// else runs the command's action.
/// </summary>
public static class CommandLineRunner
{
    public const int ExitUsage = 2;

    /// <summary>A root command whose help prints <see cref="CommandHelp"/>'s epilogues.</summary>
    public static RootCommand CreateRoot(string description)
    {
        var root = new RootCommand(description);
        CommandHelp.Install(root);
        return root;
    }

    /// <param name="program">How users call the program (<c>actorcluster</c>, <c>pbm</c>), for "see ... --help".</param>
    public static async Task<int> InvokeAsync(ParseResult parsed, string program, TextWriter output, TextWriter error, CancellationToken cancellation = default)
    {
        if (UsageError(parsed, program) is { } usage)
        {
            await error.WriteLineAsync($"error: {usage}");
            return ExitUsage;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // Exceptions are the program's to turn into exit codes, and SIGTERM is the node's to handle
            // (a graceful leave), not System.CommandLine's to cut short after 2 s.
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        }, cancellation);
    }

    /// <summary>
    /// The one line that describes what is wrong with the command line, or null when it can run. Messages
    /// of options are prefixed with the command they belong to (<c>node: --port must be ...</c>).
    /// </summary>
    public static string? UsageError(ParseResult parsed, string program)
    {
        if (parsed.Action is { ClearsParseErrors: true }) return null;
        var command = parsed.CommandResult;
        var top = TopCommand(command);
        var prefix = top is null ? "" : $"{top.Name}: ";
        if (parsed.UnmatchedTokens.FirstOrDefault() is { } unmatched && !unmatched.StartsWith('-'))
        {
            var subcommands = command.Command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
            return subcommands.Count > 0
                ? $"{prefix}unknown {(top is null ? "command" : "verb")} '{unmatched}' ({string.Join(", ", subcommands)})"
                : $"{prefix}unexpected argument '{unmatched}'";
        }
        if ((parsed.UnmatchedTokens.FirstOrDefault() ?? OptionTakenAsArgument(parsed)) is { } option)
            return $"{prefix}unknown option {option} (see {program}{Path(command)} --help)";
        if (parsed.Action is not ParseErrorAction) return null;
        var first = parsed.Errors[0];
        if (first.SymbolResult is OptionResult { Tokens.Count: 0, Implicit: false } valueless)
            return $"{prefix}{valueless.IdentifierToken?.Value ?? valueless.Option.Name} needs a value";
        return prefix + first.Message;
    }

    /// <summary>
    /// A word like <c>--nope</c> before any <c>--</c> that System.CommandLine handed to a command's argument
    /// (it does so with words it does not know as long as an argument has room): an unknown option.
    /// </summary>
    private static string? OptionTakenAsArgument(ParseResult parsed)
    {
        var tokens = parsed.Tokens;
        var end = 0;
        while (end < tokens.Count && tokens[end].Type != TokenType.DoubleDash) end++;
        var inArguments = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        for (SymbolResult? r = parsed.CommandResult; r is CommandResult c; r = c.Parent)
            foreach (var argument in c.Children.OfType<ArgumentResult>())
                inArguments.UnionWith(argument.Tokens);
        return tokens.Take(end).FirstOrDefault(t => inArguments.Contains(t) && t.Value.Length > 1 && t.Value.StartsWith('-'))?.Value;
    }

    /// <summary>
    /// Index of the first word in <paramref name="args"/> from <paramref name="start"/> on that is neither an
    /// option nor the value of one of <paramref name="command"/>'s options; <c>args.Count</c> when there is none.
    /// Where a command's own words end and passed-through words begin.
    /// </summary>
    public static int FirstWord(IReadOnlyList<string> args, int start, Command command)
    {
        for (var i = start; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-") return i;
            if (!arg.Contains('=') && TakesValue(command, arg)) i++;
        }
        return args.Count;
    }

    /// <summary>True for a command line that starts with a directive such as <c>[suggest:N]</c> (completion), which must reach System.CommandLine as typed.</summary>
    public static bool IsDirective(IReadOnlyList<string> args) => args is [var first, ..] && first.StartsWith('[') && first.EndsWith(']');

    /// <summary>True when <paramref name="name"/> is one of <paramref name="command"/>'s options and must be followed by a value.</summary>
    public static bool TakesValue(Command command, string name) =>
        command.Options.Any(o => (o.Name == name || o.Aliases.Contains(name)) && o.Arity.MinimumNumberOfValues > 0);

    /// <summary>The command right under the root, or null for the root itself.</summary>
    private static Command? TopCommand(CommandResult result)
    {
        Command? top = null;
        for (SymbolResult? r = result; r is CommandResult { Parent: not null } c; r = c.Parent)
            top = c.Command;
        return top;
    }

    /// <summary>" jobs status" for the command path below the root ("" for the root).</summary>
    private static string Path(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult { Parent: not null } c; r = c.Parent)
            names.Insert(0, c.Command.Name);
        return names.Count == 0 ? "" : " " + string.Join(' ', names);
    }
}
