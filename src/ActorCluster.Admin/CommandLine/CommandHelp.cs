using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace ActorCluster.Admin.CommandLine;

/// <summary>
/// Help as System.CommandLine generates it from the descriptions of commands, arguments and options, followed
/// by what a description cannot say (exit codes, which words go where): a command's epilogue.
/// </summary>
public static class CommandHelp
{
    private static readonly ConditionalWeakTable<Command, string> Epilogues = new();

    /// <summary>Text printed after <paramref name="command"/>'s generated help.</summary>
    public static TCommand WithEpilogue<TCommand>(this TCommand command, string epilogue) where TCommand : Command
    {
        Epilogues.AddOrUpdate(command, epilogue.TrimEnd());
        return command;
    }

    /// <summary>Makes --help, -h and -? on <paramref name="root"/> and every command under it print help with epilogues.</summary>
    internal static void Install(RootCommand root)
    {
        foreach (var help in root.Options.OfType<HelpOption>())
            help.Action = new HelpWithEpilogue(help.Action as HelpAction ?? new HelpAction());
    }

    /// <summary>Prints the help of the command <paramref name="parsed"/> names (the root's for none); returns 0.</summary>
    public static int Print(ParseResult parsed) => new HelpWithEpilogue(new HelpAction()).Invoke(parsed);

    private sealed class HelpWithEpilogue(HelpAction generated) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var code = generated.Invoke(parseResult);
            if (Epilogues.TryGetValue(parseResult.CommandResult.Command, out var epilogue))
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine(epilogue);
                output.WriteLine();
            }
            return code;
        }
    }
}
