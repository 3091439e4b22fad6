using ActorCluster.Core.Text;
using System.Diagnostics;
using Akka.Actor;
using ActorCluster.Admin.Palettes;
using ActorCluster.Core.Profiling;
using ActorCluster.Node.Agents;

namespace ActorCluster.Node.Admin;

/// <summary>The <c>node</c> palette: this node's resource profile and its worker pool.</summary>
public sealed class NodePalette(IActorRef? agent, NodeAgentSettings settings) : IPalette
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public string Name => "node";
    public string Description => "this node: profile, workers";

    public IReadOnlyList<CommandDefinition> Commands { get; } =
    [
        new("profile", "the resource profiler's snapshot, the pool plan and its reason"),
        new("workers", "show the worker pool, pin it to N workers, or give it back to the profiler",
            ArgumentDefinition.Switch("count", $"pin the pool to this many workers (1-{settings.Bounds.MaxWorkers})", "-n", "--count"),
            ArgumentDefinition.Flag("auto", "release the pin: back to the profiler's pool size", "--auto")),
    ];

    public async Task<CommandResult> ExecuteAsync(CommandCall call, CancellationToken ct)
    {
        if (call.Command.Name == "profile")
            return CommandResult.Ok(await Profile(ct));

        if (agent is null)
            return CommandResult.Fail("this node has no worker role, so no worker pool");
        var count = call.Get("count");
        if (count is not null && call.Has("auto"))
            return CommandResult.Fail("node workers: use either -n N or --auto");
        object message;
        if (count is not null)
        {
            var most = settings.Bounds.MaxWorkers;
            if (!int.TryParse(count, out var n) || n < 1 || n > most)
                return CommandResult.Fail($"node workers: -n must be a whole number from 1 to {most}, got '{Echo.Shorten(count, 20)}'");
            message = new SetWorkerCount(n);
        }
        else if (call.Has("auto"))
        {
            message = new ReleaseWorkerPin();
        }
        else
        {
            message = new GetAgentState();
        }
        var state = await agent.Ask<AgentState>(message, AskTimeout, ct);
        var how = message switch
        {
            SetWorkerCount => $"pinned to {state.TargetWorkers} workers",
            ReleaseWorkerPin => $"back to the profiler's {state.TargetWorkers} workers ({settings.PlanReason})",
            _ => $"target {state.TargetWorkers} workers",
        };
        return CommandResult.Ok($"pool: {how}; {state.Workers} workers now, {state.Running} running, {state.Queued} queued, {state.Outstanding} credits outstanding");
    }

    private async Task<List<string>> Profile(CancellationToken ct)
    {
        var snapshot = new ResourceDetector().Detect();
        var gc = GC.GetGCMemoryInfo();
        using var process = Process.GetCurrentProcess();
        var lines = new List<string>
        {
            $"plan: {settings.Workers} workers ({settings.PlanReason})",
            $"snapshot: {snapshot.DescribeCores()}",
            $"memory: process {process.WorkingSet64 / (1024 * 1024):N0} MB resident, GC heap {gc.HeapSizeBytes / (1024 * 1024):N0} MB, " +
            $"{gc.TotalAvailableMemoryBytes / (1024 * 1024):N0} MB available to the runtime",
        };
        if (agent is not null)
        {
            var state = await agent.Ask<AgentState>(new GetAgentState(), AskTimeout, ct);
            lines.Add($"pool: target {state.TargetWorkers}, {state.Workers} workers, {state.Running} running, {state.Queued} queued, prefetch {settings.Prefetch}");
        }
        return lines;
    }
}
