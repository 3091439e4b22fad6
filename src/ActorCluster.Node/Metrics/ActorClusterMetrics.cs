using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Node.Metrics;

/// <summary>
/// The node's instruments (System.Diagnostics.Metrics), recorded by the actors and read by whatever listens: the web
/// host exports them for Prometheus on /metrics. A recording with no listener costs next to nothing, so a node with
/// <c>--http-port off</c> pays for none of it. Items and batches are counted by the job's coordinator when it counts a
/// batch the first time, so they add up to the report; a job id is a tag, one series per job and node.
/// </summary>
public static class ActorClusterMetrics
{
    public const string MeterName = "ActorCluster";

    private static readonly Meter Meter = new(MeterName, "1.0");
    private static readonly ConcurrentDictionary<string, AgentGauges> Agents = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, JobPhase> Jobs = new(StringComparer.Ordinal);

    public static readonly Counter<long> ItemsCompleted = Meter.CreateCounter<long>("actorcluster.items.completed", "{item}",
        "items counted (once) by a job's coordinator on this node, by job and the node that ran them");

    public static readonly Counter<long> BatchesCompleted = Meter.CreateCounter<long>("actorcluster.batches.completed", "{batch}",
        "batches counted (once) by a job's coordinator on this node, by job and the node that ran them");

    public static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>("actorcluster.batch.duration", "s",
        "time one batch took on a worker of this node", advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
        });

    public static readonly Counter<long> BatchesHandedOut = Meter.CreateCounter<long>("actorcluster.coordinator.batches.handed_out", "{batch}",
        "batches the job coordinators on this node handed to agents (retries included); its rate is the hand-out rate");

    public static readonly Counter<long> PoolResizes = Meter.CreateCounter<long>("actorcluster.pool.resizes", "{resize}",
        "times this node's worker pool changed size, by direction (grow, shrink)");

    public static readonly Counter<long> MemberEvents = Meter.CreateCounter<long>("actorcluster.cluster.member.events", "{event}",
        "Akka cluster membership and reachability events this node saw, by event (up, left, exited, removed, unreachable, reachable, ...)");

    static ActorClusterMetrics()
    {
        Meter.CreateObservableGauge("actorcluster.workers", () => Agents.Select(a => new Measurement<int>(a.Value.Workers, Node(a.Key))),
            "{worker}", "workers in this node's pool");
        Meter.CreateObservableGauge("actorcluster.credits.outstanding", () => Agents.Select(a => new Measurement<int>(a.Value.Outstanding, Node(a.Key))),
            "{credit}", "batches this node's agent has asked for and not yet been given or finished");
        Meter.CreateObservableGauge("actorcluster.memory.pressure", () => Agents.Select(a => new Measurement<int>(a.Value.Pressure, Node(a.Key))),
            null, "memory-pressure state of this node's pool: 0 normal, 1 shrinking (capped below plan), 2 paused");
        Meter.CreateObservableGauge("actorcluster.jobs", () => Enum.GetValues<JobPhase>().Select(phase =>
                new Measurement<int>(Jobs.Count(j => j.Value == phase), new KeyValuePair<string, object?>("state", phase.ToString().ToLowerInvariant()))),
            "{job}", "jobs whose coordinator lives on this node, by state");
    }

    /// <summary>The gauges of the agent of <paramref name="node"/>; the agent writes them, a scrape reads them.</summary>
    public static AgentGauges AgentOf(string node) => Agents.GetOrAdd(node, _ => new AgentGauges());

    public static void ForgetAgent(string node) => Agents.TryRemove(node, out _);

    /// <summary>Jobs the gauge remembers; past this, ended jobs are forgotten first, so a node that ran millions of jobs stays small.</summary>
    public const int MaxJobsRemembered = 10_000;

    /// <summary>A job's state, set by its coordinator on this node when it starts running and when it ends.</summary>
    public static void JobState(string jobId, JobPhase phase)
    {
        Jobs[jobId] = phase;
        if (Jobs.Count <= MaxJobsRemembered) return;
        foreach (var ended in Jobs.Where(j => j.Value != JobPhase.Running).Take(Jobs.Count - MaxJobsRemembered).ToList())
            Jobs.TryRemove(ended.Key, out _);
    }

    public static KeyValuePair<string, object?> Node(string node) => new("node", node);

    public static KeyValuePair<string, object?> Job(string jobId) => new("job", jobId);
}
