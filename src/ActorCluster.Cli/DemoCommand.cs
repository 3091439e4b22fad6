using System.CommandLine;
using System.Diagnostics;
using ActorCluster.Admin.CommandLine;
using ActorCluster.Node.Hosting;
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
        var nodes = new List<Process>();
        var ready = new CountdownEvent(nodeCount);

        Console.WriteLine($"demo: starting {nodeCount} nodes (seed {seed}), data under {dataRoot}");
        try
        {
            for (var i = 0; i < nodeCount; i++)
            {
                // One SQLite file shared by the local nodes: a job's coordinator can then resume on any of them.
                var nodeArgs = new List<string> { "node", "--port", i == 0 ? seedPort.ToString() : "0", "--data-dir", Path.Combine(dataRoot, $"node{i}"),
                    "--db", $"sqlite:{Path.Combine(dataRoot, "cluster.db")}" };
                if (i > 0) nodeArgs.AddRange(["--seed", seed]);
                var process = Process.Start(ChildProcesses.Self(nodeArgs))!;
                nodes.Add(process);
                var name = i == 0 ? "seed" : $"node{i}";
                process.OutputDataReceived += (_, e) =>
                {
                    if (e.Data is null) return;
                    if (e.Data.StartsWith("node up:", StringComparison.Ordinal)) { Console.WriteLine($"  [{name}] {e.Data}"); ready.Signal(); }
                    else if (e.Data.StartsWith("node starting", StringComparison.Ordinal)) Console.WriteLine($"  [{name}] {e.Data}");
                };
                process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  [{name}] {e.Data}"); };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                if (i == 0) await Task.Delay(1500); // let the seed bind before the others dial it
            }
            if (!ready.Wait(TimeSpan.FromSeconds(60)))
            {
                Console.Error.WriteLine("error: demo: nodes did not come up within 60 s");
                return 1;
            }

            var workloadArgs = new List<string> { "--degree", degree.ToString() };
            Console.WriteLine($"demo: submitting lfsr --degree {degree} through {seed}");
            await using var client = JobClient.Create([seed]);
            var accepted = await client.SubmitAsync("lfsr", workloadArgs);
            Console.WriteLine($"job {accepted.JobId}: {accepted.ItemsTotal:N0} items");
            var status = await SubmitCommand.FollowAsync(client, accepted.JobId, ProgressView.ForConsole(), TimeSpan.FromMinutes(10));
            return SubmitCommand.Conclude(status, workloadArgs, output);
        }
        finally
        {
            Console.WriteLine("demo: stopping nodes");
            foreach (var p in nodes.AsEnumerable().Reverse())
                ChildProcesses.Stop(p, TimeSpan.FromSeconds(15));
            try { Directory.Delete(dataRoot, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
