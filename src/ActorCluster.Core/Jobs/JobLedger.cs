using ActorCluster.Abstractions;

namespace ActorCluster.Core.Jobs;

/// <summary>A batch handed to an agent: identified by its item range; the id only names this hand-out.</summary>
public readonly record struct Handout<TAgent>(TAgent Agent, long BatchId, ItemRange Range);

public enum CompletionOutcome
{
    /// <summary>First completion of this range: its items and result are counted.</summary>
    Counted,

    /// <summary>The range was already counted (a re-dispatched batch finished twice): ignored.</summary>
    Duplicate,
}

public enum FailureOutcome
{
    /// <summary>The range goes back to be handed out again.</summary>
    WillRetry,

    /// <summary>The range failed too often: the job must fail.</summary>
    GaveUp,

    /// <summary>The range was completed elsewhere already; the failure does not matter.</summary>
    AlreadyCompleted,
}

/// <summary>
/// The credit ledger of one job: the heart of work pulling. It remembers how many batches each agent
/// asked for (its credits), which batches each agent holds, which item ranges are done, and which must
/// be handed out again. It never hands an agent more batches than it asked for, it carves new batches
/// lazily from the next unissued index, and it counts every range exactly once however many times it
/// was executed. Pure bookkeeping: no actors, no clocks, so it can be tested exhaustively.
/// </summary>
public sealed class JobLedger<TAgent> where TAgent : notnull
{
    private readonly BatchSizer _sizer;
    private readonly int _maxAttempts;
    private readonly Dictionary<TAgent, AgentAccount> _agents = [];
    private readonly List<TAgent> _agentOrder = [];
    private readonly Dictionary<long, InFlight> _inFlight = [];
    private readonly LinkedList<Returned> _returned = new();
    private readonly Dictionary<long, int> _failuresByRangeStart = [];
    private readonly RangeSet _completed = new();
    private readonly long[] _cuts;
    private long _nextUnissued;
    private long _inFlightItems;
    private long _nextBatchId;
    private int _roundRobin;

    /// <param name="cuts">Item indices no batch spans (ascending): where the items' size class changes (IoBatchGrouping.Boundaries).</param>
    public JobLedger(long itemCount, BatchSizer sizer, int maxAttempts = 3, long[]? cuts = null)
    {
        if (itemCount < 0) throw new ArgumentOutOfRangeException(nameof(itemCount));
        ItemsTotal = itemCount;
        _cuts = cuts ?? [];
        _sizer = sizer;
        _maxAttempts = maxAttempts;
    }

    public long ItemsTotal { get; }

    public long ItemsCompleted => _completed.Count;

    public long BatchesCounted { get; private set; }

    /// <summary>How many times items were executed beyond the first (re-dispatch after loss or duplicate completion).</summary>
    public long ItemsExecutedMoreThanOnce { get; private set; }

    public bool IsComplete => _completed.Count == ItemsTotal;

    /// <summary>Every item below this index has been handed out at least once (or was already completed).</summary>
    public long IssuedUpTo => _nextUnissued;

    public RangeSet Completed => _completed;

    /// <summary>True while some items have not been handed out (or were handed back) and are not completed.</summary>
    public bool HasWorkToHandOut
    {
        get
        {
            SkipCompleted();
            return _nextUnissued < ItemsTotal || _returned.Count > 0;
        }
    }

    public int Credits(TAgent agent) => _agents.TryGetValue(agent, out var a) ? a.Credits : 0;

    public int InFlightFor(TAgent agent) => _agents.TryGetValue(agent, out var a) ? a.Batches.Count : 0;

    /// <summary>Total workers of the agents that currently hold credits or batches: drives the tail size.</summary>
    public int ActiveWorkers => _agents.Values.Where(a => a.Credits > 0 || a.Batches.Count > 0).Sum(a => a.Workers);

    /// <summary>
    /// Adds credits an agent grants (it can take that many more batches). <paramref name="maxBatchItems"/>
    /// is the most items the agent takes in one batch (its node's chunk size; 0 = no bound); the latest wins.
    /// </summary>
    public void Grant(TAgent agent, int credits, int workers, long maxBatchItems = 0)
    {
        var account = Account(agent, workers, maxBatchItems);
        account.Credits += Math.Max(0, credits);
    }

    /// <summary>Replaces the agent's credits: used when an agent resynchronizes after losing track.</summary>
    public void ResetCredits(TAgent agent, int credits, int workers, long maxBatchItems = 0)
    {
        var account = Account(agent, workers, maxBatchItems);
        account.Credits = Math.Max(0, credits);
    }

    /// <summary>Takes back an agent's unused credits, e.g. because there is nothing to hand out now.</summary>
    public int RevokeCredits(TAgent agent)
    {
        if (!_agents.TryGetValue(agent, out var account)) return 0;
        var credits = account.Credits;
        account.Credits = 0;
        return credits;
    }

    /// <summary>Hands out as many batches as there are credits and work, spreading them round-robin over agents.</summary>
    public List<Handout<TAgent>> Dispatch()
    {
        var handouts = new List<Handout<TAgent>>();
        var workers = Math.Max(1, ActiveWorkers);
        while (HasWorkToHandOut)
        {
            var agent = NextAgentWithCredits();
            if (agent is null) break;
            var range = NextRange(agent.Value.Key, workers);
            if (range is null) break;
            var account = _agents[agent.Value.Key];
            account.Credits--;
            var id = ++_nextBatchId;
            account.Batches.Add(id);
            _inFlight[id] = new InFlight(agent.Value.Key, range.Value);
            _inFlightItems += range.Value.Count;
            handouts.Add(new Handout<TAgent>(agent.Value.Key, id, range.Value));
        }
        return handouts;
    }

    /// <summary>Records a completion. Only the first completion of a range counts; the sizer learns from every one.</summary>
    public CompletionOutcome Complete(TAgent agent, long batchId, ItemRange range, double busyMicros)
    {
        Release(batchId);
        _sizer.Observe(range.Count, busyMicros);
        if (_completed.Overlaps(range))
        {
            ItemsExecutedMoreThanOnce += range.Count;
            return CompletionOutcome.Duplicate;
        }
        _completed.Add(range);
        BatchesCounted++;
        _failuresByRangeStart.Remove(range.Start);
        return CompletionOutcome.Counted;
    }

    /// <summary>
    /// Records a range completed in an earlier life of the job (replayed from its journal). Idempotent:
    /// replaying the same event twice counts it once. Returns whether it was new. Items taken from the result
    /// cache are completed without being a batch (<paramref name="isBatch"/> false).
    /// </summary>
    public bool RestoreCompleted(ItemRange range, bool isBatch = true)
    {
        if (_completed.Overlaps(range)) return false;
        _completed.Add(range);
        if (isBatch) BatchesCounted++;
        return true;
    }

    /// <summary>Sets the batch count restored from a snapshot, whose merged ranges no longer tell it.</summary>
    public void RestoreBatchCount(long batches) => BatchesCounted = batches;

    /// <summary>Counts items executed again because the job resumed from its journal.</summary>
    public void AddReexecuted(long items) => ItemsExecutedMoreThanOnce += items;

    /// <summary>
    /// Records that executing a batch threw. The range is retried, preferably by another agent, until it
    /// failed <c>maxAttempts</c> times.
    /// </summary>
    public FailureOutcome Fail(long batchId, ItemRange range)
    {
        var failedOn = _inFlight.TryGetValue(batchId, out var batch) ? batch.Agent : default;
        Release(batchId);
        if (_completed.Overlaps(range)) return FailureOutcome.AlreadyCompleted;
        var failures = _failuresByRangeStart.GetValueOrDefault(range.Start) + 1;
        _failuresByRangeStart[range.Start] = failures;
        if (failures >= _maxAttempts) return FailureOutcome.GaveUp;
        _returned.AddFirst(new Returned(range, failedOn));
        return FailureOutcome.WillRetry;
    }

    /// <summary>An agent hands back a batch it will not run (its node is leaving): the range goes back first in line.</summary>
    public bool Return(TAgent agent, long batchId)
    {
        if (!_inFlight.TryGetValue(batchId, out var batch) || !Equals(batch.Agent, agent)) return false;
        Release(batchId);
        if (!_completed.Overlaps(batch.Range)) _returned.AddFirst(new Returned(batch.Range, default));
        return true;
    }

    /// <summary>
    /// The agent is gone (its node died, left or became unreachable): its batches go back to be handed
    /// out again and its credits are dropped. Returns the ranges handed back.
    /// </summary>
    public List<ItemRange> RemoveAgent(TAgent agent)
    {
        var returned = new List<ItemRange>();
        if (!_agents.Remove(agent, out var account)) return returned;
        _agentOrder.Remove(agent);
        foreach (var id in account.Batches)
        {
            if (!_inFlight.Remove(id, out var batch)) continue;
            _inFlightItems -= batch.Range.Count;
            if (_completed.Overlaps(batch.Range)) continue;
            _returned.AddFirst(new Returned(batch.Range, default));
            returned.Add(batch.Range);
        }
        return returned;
    }

    private void Release(long batchId)
    {
        if (!_inFlight.Remove(batchId, out var batch)) return;
        _inFlightItems -= batch.Range.Count;
        if (_agents.TryGetValue(batch.Agent, out var holder))
            holder.Batches.Remove(batchId);
    }

    private ItemRange? NextRange(TAgent agent, int workers)
    {
        var bound = _agents[agent].MaxBatchItems;
        // Handed-back ranges go first; a range that failed on this agent goes to another one if any can take it.
        bool? otherAgentsWaiting = null; // only worth computing when a failed range waits
        for (var node = _returned.First; node is not null;)
        {
            var next = node.Next;
            if (_completed.Overlaps(node.Value.Range))
            {
                // Completed meanwhile by the agent we thought was lost.
                _returned.Remove(node);
            }
            else if (!Equals(node.Value.AvoidAgent, agent)
                     || !(otherAgentsWaiting ??= _agents.Any(a => !Equals(a.Key, agent) && a.Value.Credits > 0)))
            {
                return TakeFront(node, bound);
            }
            node = next;
        }
        SkipCompleted();
        if (_nextUnissued >= ItemsTotal) return null;
        var remaining = Math.Max(1, ItemsTotal - _completed.Count - _inFlightItems);
        var size = _sizer.NextSize(remaining, workers);
        if (bound > 0) size = Math.Min(size, bound);
        // After a recovery, completed ranges may lie ahead: a batch never spans one.
        var gap = _completed.NextGap(_nextUnissued, ItemsTotal);
        var range = new ItemRange(gap.Start, Math.Min(Math.Min(size, gap.Count), NextCut(gap.Start) - gap.Start));
        _nextUnissued = range.End;
        return range;
    }

    /// <summary>The first cut after <paramref name="item"/>, or the end of the job.</summary>
    private long NextCut(long item)
    {
        var i = Array.BinarySearch(_cuts, item + 1);
        if (i < 0) i = ~i;
        return i < _cuts.Length ? _cuts[i] : ItemsTotal;
    }

    /// <summary>A handed-back range carved for another agent may be more than this one takes: it gets the front, the rest stays first in line.</summary>
    private ItemRange TakeFront(LinkedListNode<Returned> node, long bound)
    {
        var range = node.Value.Range;
        if (bound <= 0 || range.Count <= bound)
        {
            _returned.Remove(node);
            return range;
        }
        node.Value = node.Value with { Range = new ItemRange(range.Start + bound, range.Count - bound) };
        return new ItemRange(range.Start, bound);
    }

    /// <summary>Moves the unissued frontier past items that are already completed (after a recovery).</summary>
    private void SkipCompleted()
    {
        if (_nextUnissued < ItemsTotal && _completed.Count > 0)
            _nextUnissued = _completed.NextGap(_nextUnissued, ItemsTotal).Start;
    }

    private KeyValuePair<TAgent, AgentAccount>? NextAgentWithCredits()
    {
        for (var i = 0; i < _agentOrder.Count; i++)
        {
            var index = (_roundRobin + i) % _agentOrder.Count;
            var key = _agentOrder[index];
            var account = _agents[key];
            if (account.Credits <= 0) continue;
            _roundRobin = index + 1;
            return new KeyValuePair<TAgent, AgentAccount>(key, account);
        }
        return null;
    }

    private AgentAccount Account(TAgent agent, int workers, long maxBatchItems)
    {
        if (!_agents.TryGetValue(agent, out var account))
        {
            account = new AgentAccount();
            _agents[agent] = account;
            _agentOrder.Add(agent);
        }
        account.Workers = Math.Max(1, workers);
        account.MaxBatchItems = Math.Max(0, maxBatchItems);
        return account;
    }

    private sealed class AgentAccount
    {
        public int Credits;
        public int Workers = 1;
        public long MaxBatchItems;
        public readonly HashSet<long> Batches = [];
    }

    private readonly record struct InFlight(TAgent Agent, ItemRange Range);

    private readonly record struct Returned(ItemRange Range, TAgent? AvoidAgent);
}
