using System.Diagnostics;
using Akka.Actor;
using ActorCluster.Core.Web;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Agents;

/// <summary>
/// Answers <see cref="GetNodeFigures"/> for this node, at /user/node-figures on every node: the pool from the node agent
/// (when the node has the worker role), CPU time and resident set from the process, rates from <see cref="NodeRates"/>.
/// Its own actor, so the dashboard's asks never wait in the agent's mailbox behind a job's completions.
/// </summary>
public sealed class NodeFiguresReporter : ReceiveActor
{
    public const string Name = "node-figures";
    private static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(2);

    public NodeFiguresReporter(IActorRef? agent, double cores, string planReason)
    {
        var rates = new NodeRates(TimeSpan.FromMilliseconds(500));
        var address = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();
        var started = Stopwatch.StartNew();
        ReceiveAsync<GetNodeFigures>(async _ =>
        {
            AgentState? state = null;
            if (agent is not null)
            {
                try { state = await agent.Ask<AgentState>(new GetAgentState(), AgentTimeout); }
                catch (Exception) { /* a busy or stopping agent: the figures without the pool */ }
            }
            using var process = Process.GetCurrentProcess();
            rates.Sample(DateTime.UtcNow, process.TotalProcessorTime, state?.BatchesRun ?? 0);
            var pressure = state is null ? "none" : state.Paused ? "paused" : state.Capped ? "shrinking" : "normal";
            Sender.Tell(new NodeFigures(address, cores, state?.TargetWorkers ?? 0, state?.Workers ?? 0,
                state is null ? planReason : state.PlanReason, rates.CpuPercent, process.WorkingSet64, pressure, rates.BatchesPerSecond,
                (long)started.Elapsed.TotalMilliseconds, state?.Outstanding ?? 0));
        });
    }

    public static Props Props(IActorRef? agent, double cores, string planReason) =>
        Akka.Actor.Props.Create(() => new NodeFiguresReporter(agent, cores, planReason));
}
