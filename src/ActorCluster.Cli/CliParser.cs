using System.CommandLine;
using ActorCluster.Admin.Client;
using ActorCluster.Admin.CommandLine;
using ActorCluster.Protocol.Client;

namespace ActorCluster.Cli;

/// <summary>
/// The one parser of <c>actorcluster</c>'s command lines: every command, its options and help come from here
/// (System.CommandLine), and so do the one-line usage errors with exit code 2.
/// </summary>
public static class CliParser
{
    public const string Program = "actorcluster";

    public static RootCommand CreateRoot()
    {
        var root = CommandLineRunner.CreateRoot("actorcluster — an actor-model distributed batch-processing cluster");
        root.Add(NodeCommand.Create());
        root.Add(SubmitCommand.Create());
        root.Add(JobsCommand.Create());
        root.Add(DemoCommand.Create());
        root.Add(ProfileCommand.Create());
        root.Add(PbmConsole.Define(new Command("pbm", "administer a running node (same as the `pbm` tool): pbm [host:port] <palette> <command>"),
            PbmConsole.ConsoleIo(), CancellationToken.None));
        root.Add(BenchCommand.Create());
        root.Add(CertsCommand.Create());
        root.Add(HealthCommand.Create());

        // `actorcluster help [command]`, as `actorcluster [command] --help`.
        var help = new Command("help") { Hidden = true };
        var topic = new Argument<string[]>("command") { Arity = ArgumentArity.ZeroOrMore };
        help.Add(topic);
        help.SetAction(parsed => root.Parse([.. parsed.GetValue(topic) ?? [], "--help"]).Invoke(parsed.InvocationConfiguration));
        root.Add(help);

        // Without a command: the overview, as a usage error.
        root.SetAction(parsed => CommandHelp.Print(parsed) + CommandLineRunner.ExitUsage);
        return root.WithEpilogue("actorcluster <command> --help for a command's options");
    }

    /// <summary>Parses <paramref name="args"/> as <c>actorcluster</c> would, without running anything.</summary>
    public static ParseResult Parse(string[] args) => Parse(CreateRoot(), args);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            return await CommandLineRunner.InvokeAsync(Parse(CreateRoot(), args), Program, output, error);
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return CommandLineRunner.ExitUsage;
        }
        catch (JobClientException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>The words that go through untouched (a workload's arguments, a pbm palette's) marked off for the parser.</summary>
    private static ParseResult Parse(RootCommand root, string[] args) => root.Parse(args switch
    {
        ["submit", .. var rest] => ["submit", .. SubmitCommand.Arrange(rest, Subcommand(root, "submit"))],
        ["pbm", .. var rest] => ["pbm", .. PbmConsole.Arrange(rest, Subcommand(root, "pbm"))],
        ["bench", .. var rest] => ["bench", .. BenchCommand.Arrange(rest)],
        _ => args,
    });

    private static Command Subcommand(Command root, string name) => root.Subcommands.Single(c => c.Name == name);
}
