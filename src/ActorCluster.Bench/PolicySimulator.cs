using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Bench;

/// <summary>
/// A discrete-event simulation of the real <see cref="JobLedger{TAgent}"/> and <see cref="BatchSizer"/> with
/// agents that behave like the node agent (credits = workers + prefetch, prefetched batches go to the first
/// idle worker) and a fixed one-way message latency. It separates what the policy costs (ramp-up, tail,
/// a long item caught in a big batch) from what the runtime costs (scheduling, messaging) on a noisy machine.
/// </summary>
public static class PolicySimulator
{
    public static SimulationResult Run(Func<long, double> costUs, long items, int agents, int workersPerAgent, int prefetch,
        double latencyUs, BatchSizingOptions? sizing = null)
    {
        var ledger = new JobLedger<int>(items, new BatchSizer(sizing ?? new BatchSizingOptions()));
        var events = new PriorityQueue<Action, (double, long)>();
        long sequence = 0;
        var now = 0.0;
        void At(double time, Action action) => events.Enqueue(action, (time, sequence++));

        var state = Enumerable.Range(0, agents).Select(_ => new AgentState(workersPerAgent)).ToArray();
        double total = 0, longest = 0;
        for (long i = 0; i < items; i++)
        {
            var c = costUs(i);
            total += c;
            longest = Math.Max(longest, c);
        }

        void Dispatch()
        {
            foreach (var h in ledger.Dispatch())
            {
                var handout = h;
                At(now + latencyUs, () => Arrive(handout.Agent, handout.BatchId, handout.Range));
            }
        }

        void RequestCredits(int agent)
        {
            var a = state[agent];
            var free = workersPerAgent + prefetch - a.Queue.Count - a.Running - a.Outstanding;
            if (free <= 0) return;
            a.Outstanding += free;
            At(now + latencyUs, () =>
            {
                ledger.Grant(agent, free, workersPerAgent);
                Dispatch();
            });
        }

        void Arrive(int agent, long batchId, ItemRange range)
        {
            var a = state[agent];
            a.Outstanding--;
            a.Queue.Enqueue((batchId, range));
            RunQueued(agent);
        }

        void RunQueued(int agent)
        {
            var a = state[agent];
            while (a.Running < workersPerAgent && a.Queue.Count > 0)
            {
                var (batchId, range) = a.Queue.Dequeue();
                a.Running++;
                double busy = 0;
                for (var i = range.Start; i < range.End; i++) busy += costUs(i);
                At(now + busy, () =>
                {
                    a.Running--;
                    At(now + latencyUs, () =>
                    {
                        ledger.Complete(agent, batchId, range, busy);
                        Dispatch();
                    });
                    RunQueued(agent);
                    RequestCredits(agent);
                });
            }
        }

        for (var agent = 0; agent < agents; agent++)
        {
            var a = agent;
            At(latencyUs, () => RequestCredits(a)); // the job is announced to every agent
        }
        while (!ledger.IsComplete && events.TryDequeue(out var action, out var key))
        {
            now = key.Item1;
            action();
        }
        return new SimulationResult(now, Math.Max(total / (agents * workersPerAgent), longest), ledger.BatchesCounted);
    }

    private sealed class AgentState(int workers)
    {
        public int Workers { get; } = workers;
        public int Running;
        public int Outstanding;
        public readonly Queue<(long BatchId, ItemRange Range)> Queue = new();
    }
}
