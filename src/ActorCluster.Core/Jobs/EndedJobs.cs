using System.Collections.Immutable;

namespace ActorCluster.Core.Jobs;

/// <summary>
/// What a listing of jobs knows about jobs that have ended: their summaries never change again, so a listing asks
/// only the jobs not in here. Asking an ended job wakes its coordinator (a replay of its journal) and keeps it awake,
/// and a dashboard lists every second: without this, every job that ever ran would be replayed once and then held in
/// memory for as long as a page stays open. Holds at most <see cref="Capacity"/> jobs, forgetting the earliest
/// remembered first (a forgotten job is asked again, as before). Immutable: a listing running off the actor's thread
/// reads the instance it started with while the actor moves on to the next.
/// </summary>
public sealed class EndedJobs<TSummary> where TSummary : class
{
    public const int DefaultCapacity = 50_000;

    private readonly ImmutableDictionary<string, TSummary> _byId;
    private readonly ImmutableQueue<string> _order;

    public EndedJobs(int capacity = DefaultCapacity) : this(capacity, ImmutableDictionary.Create<string, TSummary>(StringComparer.Ordinal), [])
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
    }

    private EndedJobs(int capacity, ImmutableDictionary<string, TSummary> byId, ImmutableQueue<string> order) =>
        (Capacity, _byId, _order) = (capacity, byId, order);

    public int Capacity { get; }

    public int Count => _byId.Count;

    public bool Contains(string jobId) => _byId.ContainsKey(jobId);

    public TSummary? Find(string jobId) => _byId.GetValueOrDefault(jobId);

    /// <summary>This set with <paramref name="summary"/> if its job has ended; unchanged for a running job or one already here.</summary>
    public EndedJobs<TSummary> Remember(string jobId, JobPhase phase, TSummary summary)
    {
        if (phase == JobPhase.Running || _byId.ContainsKey(jobId)) return this;
        var (byId, order) = (_byId.Add(jobId, summary), _order.Enqueue(jobId));
        while (byId.Count > Capacity)
        {
            order = order.Dequeue(out var earliest);
            byId = byId.Remove(earliest);
        }
        return new EndedJobs<TSummary>(Capacity, byId, order);
    }
}
