using ActorCluster.Admin.Client;
using ActorCluster.Cli;
using ActorCluster.Protocol.Client;
using ActorCluster.Workloads;

const string usage = """
    actorcluster — an actor-model distributed batch-processing cluster

    usage: actorcluster <command> [options]      (actorcluster <command> --help for details)
      node     start a cluster node (founds a cluster, or joins one with --seed)
      submit   submit a job through a seed node and follow it to the end
      jobs     status | watch | cancel | result of a job
      demo     run a local three-node cluster and a sample job, end to end
      profile  what the resource profiler sees here and the worker plan each policy gives
      pbm      administer a running node (same as the `pbm` tool): pbm [host:port] <palette> <command>
      bench    ActorCluster side by side with Parallel.ForEach-class baselines (ratios, one run)
    """;

if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
{
    Console.WriteLine(usage);
    return args.Length == 0 ? 2 : 0;
}

var command = args[0];
var rest = args.Skip(1).ToArray();
if (rest.Contains("--help") || rest.Contains("-h"))
{
    Console.WriteLine(command switch
    {
        "node" => NodeCommand.Help,
        "submit" => SubmitCommand.Help + string.Join("\n", BuiltInWorkloads.All.Select(w => "  " + w.Usage)),
        "jobs" => JobsCommand.Help,
        "demo" => DemoCommand.Help,
        "profile" => ProfileCommand.Help,
        "pbm" => PbmConsole.Usage,
        "bench" => BenchCommand.Help,
        _ => usage,
    });
    return 0;
}

try
{
    return command switch
    {
        "node" => await NodeCommand.RunAsync(rest),
        "submit" => await SubmitCommand.RunAsync(rest),
        "jobs" => await JobsCommand.RunAsync(rest),
        "demo" => await DemoCommand.RunAsync(rest),
        "profile" => await ProfileCommand.RunAsync(rest),
        "bench" => await BenchCommand.RunAsync(rest),
        "pbm" => await PbmConsole.RunAsync(rest),
        _ => throw new UsageException($"unknown command '{command}' (node, submit, jobs, demo, profile, pbm, bench)"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
catch (JobClientException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
