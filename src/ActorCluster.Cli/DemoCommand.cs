using System.CommandLine;
using ActorCluster.Admin.CommandLine;
using ActorCluster.Node.Hosting;
using ActorCluster.Protocol.Processes;
using ActorCluster.Protocol.Client;

namespace ActorCluster.Cli;

/// <summary>
/// <c>actorcluster demo</c>: a real local cluster of three node processes (one seed, two joiners),
/// a sample job submitted through the seed with a live progress bar, the summary, then a clean shutdown.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var degree = CliOption.Int("--degree", "N", "run `lfsr --degree N` (default 17)", 2, 32);
        var nodes = CliOption.Int("--nodes", "N", "node processes to start on 127.0.0.1 (default 3)", 1, 16);
        var output = CliOption.Text("--output", "DIR", "write DIR/report.json (default ./demo-output)");
        var command = new Command("demo", "run a local three-node cluster and a sample job, end to end")
        {
            degree, nodes, output,
        };
        command.SetAction(parsed => RunAsync(parsed.GetValue(degree) ?? 17, parsed.GetValue(nodes) ?? 3, parsed.GetValue(output) ?? "demo-output"));
        return command.WithEpilogue("starts the nodes, runs the job through the seed with a progress bar, prints the per-node summary,\n" +
            "writes report.json and stops the nodes");
    }

    private static async Task<int> RunAsync(int degree, int nodeCount, string output)
    {
        var dataRoot = Path.Combine(Path.GetTempPath(), $"actorcluster-demo-{Environment.ProcessId}");
        var seedPort = LoopbackPorts.Free();
        var seed = $"127.0.0.1:{seedPort}";
        var nodes = new List<NodeProcess>();

        Console.WriteLine($"demo: starting {nodeCount} nodes (seed {seed}), data under {dataRoot}");
        try
        {
            for (var i = 0; i < nodeCount; i++)
            {
                // One SQLite file shared by the local nodes: a job's coordinator can then resume on any of them.
                var nodeArgs = new List<string> { "node", "--port", i == 0 ? seedPort.ToString() : "0", "--data-dir", Path.Combine(dataRoot, $"node{i}"),
                    "--db", $"sqlite:{Path.Combine(dataRoot, "cluster.db")}" };
                if (i > 0) nodeArgs.AddRange(["--seed", seed]);
                var name = i == 0 ? "seed" : $"node{i}";
                nodes.Add(NodeProcess.Start(name, BuiltPrograms.ThisProgram(nodeArgs), line => Echo(name, line)));
                if (i == 0)
                {
                    // The others dial the seed: it must be up first.
                    if (!await IsUpAsync(nodes[0])) return 1;
                }
            }
            foreach (var node in nodes.Skip(1))
            {
                if (!await IsUpAsync(node)) return 1;
            }

            var workloadArgs = new List<string> { "--degree", degree.ToString() };
            Console.WriteLine($"demo: submitting lfsr --degree {degree} through {seed}");
            await using var client = JobClient.Create([seed], logFile: ClientLog.Path);
            var accepted = await client.SubmitAsync("lfsr", workloadArgs);
            Console.WriteLine($"job {accepted.JobId}: {accepted.ItemsTotal:N0} items");
            var status = await SubmitCommand.FollowAsync(client, accepted.JobId, ProgressView.ForConsole(), TimeSpan.FromMinutes(10));
            return SubmitCommand.Conclude(status, workloadArgs, output, output is null ? null : await JobReport.TimelineAsync(client, accepted.JobId));
        }
        finally
        {
            Console.WriteLine("demo: stopping nodes");
            foreach (var node in nodes.AsEnumerable().Reverse())
            {
                node.Stop(TimeSpan.FromSeconds(15));
                node.Dispose();
            }
            try { Directory.Delete(dataRoot, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(60);

    private static async Task<bool> IsUpAsync(NodeProcess node)
    {
        try
        {
            await node.WaitUpAsync(UpTimeout);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            Console.Error.WriteLine($"error: demo: nodes did not come up within {UpTimeout.TotalSeconds:0} s");
            return false;
        }
    }

    /// <summary>Shows a node's start and up lines and everything it prints on standard error.</summary>
    private static void Echo(string name, string line)
    {
        if (line.StartsWith(NodeProcess.UpPrefix, StringComparison.Ordinal) || line.StartsWith("node starting", StringComparison.Ordinal))
            Console.WriteLine($"  [{name}] {line}");
        else if (line.StartsWith(NodeProcess.ErrorPrefix, StringComparison.Ordinal))
            Console.Error.WriteLine($"  [{name}] {line[NodeProcess.ErrorPrefix.Length..]}");
    }
}
