using System.Diagnostics.CodeAnalysis;
using System.Text;
using ActorCluster.Abstractions;
using ActorCluster.Core.Profiling;

namespace ActorCluster.Core.Jobs;

/// <summary>
/// Everything one job's coordinator knows and computes: the job's spec and its prepared workload, the
/// credit ledger, the merged result, which node each agent runs on, the per-node tallies and how the job
/// ended. A job with a manifest is rebuilt from the manifest in the job store (never listed again), and
/// batches are cut where its items' size class changes. It applies the journaled events (replaying one twice counts nothing twice: a range already
/// completed is skipped), makes and loads snapshots, and answers what a status shows. The coordinator
/// actor around it only persists, schedules and sends; time comes in as a parameter.
/// </summary>
public sealed class JobState<TAgent> where TAgent : notnull
{
    private readonly WorkloadRegistry _registry;
    private readonly BatchSizingOptions _sizing;
    private readonly int _maxAttempts;
    private readonly IJobDataStore _store;
    private readonly Dictionary<TAgent, string> _agentNodes = [];
    private readonly NodeTallies _tallies = new();
    private IWorkloadJob? _job;
    private JobLedger<TAgent> _ledger = null!;
    private IResultAggregator _aggregator = null!;
    private long _recoveredIssuedUpTo;
    private List<byte[]>? _manifestChunks;
    private JobTimeline _timeline = new(0);

    public JobState(WorkloadRegistry registry, BatchSizingOptions sizing, int maxAttempts, IJobDataStore? store = null)
    {
        _registry = registry;
        _sizing = sizing;
        _maxAttempts = maxAttempts;
        _store = store ?? new MemoryJobDataStore();
    }

    /// <summary>The prepared (or reopened) workload; null before the job started.</summary>
    public IWorkloadJob? Job => _job;

    /// <summary>The job's result cache scope when it uses the cache and its workload supports it.</summary>
    public string? CacheScope => Spec is { UseCache: true } && _job is ICacheableWorkloadJob ? ResultCache.Scope(Spec.Workload, Spec.WorkloadVersion) : null;

    /// <summary>Items whose records came from the result cache instead of running.</summary>
    public long ItemsFromCache { get; private set; }

    /// <summary>Null until the job started (a coordinator asked about a job it never started has none).</summary>
    public JobStarted? Spec { get; private set; }

    public JobFinished? Finished { get; private set; }

    /// <summary>The merged result, once the job has ended.</summary>
    public string? ResultJson { get; private set; }

    public JobPhase Phase => Finished?.State ?? JobPhase.Running;

    public long ItemsTotal => _ledger.ItemsTotal;

    public long ItemsCompleted => _ledger.ItemsCompleted;

    public long BatchesCounted => _ledger.BatchesCounted;

    public long ItemsExecutedMoreThanOnce => _ledger.ItemsExecutedMoreThanOnce;

    /// <summary>Items counted so far that ran but failed, as the workload's aggregate reports them (<see cref="IResultAggregator.FailedItems"/>).</summary>
    /// <remarks>Read for every status; a plugin whose count throws must not take the coordinator down with it, so it counts none.</remarks>
    public long ItemsFailed
    {
        get
        {
            try { return Math.Max(0, _aggregator.FailedItems); }
            catch (Exception) { return 0; }
        }
    }

    public bool IsComplete => _ledger.IsComplete;

    public bool HasWorkToHandOut => _ledger.HasWorkToHandOut;

    public IEnumerable<TAgent> Agents => _agentNodes.Keys;

    /// <summary>The workload and version whose nodes run this job's batches; null for a job journaled before versions were.</summary>
    public WorkloadId? Requires => Spec is { WorkloadVersion.Length: > 0 } spec ? new WorkloadId(spec.Workload, spec.WorkloadVersion) : null;

    /// <summary>Nodes whose agents hold credits or batches of this job; none once it ended.</summary>
    public int ActiveNodes => Finished is not null
        ? 0
        : _agentNodes.Where(a => _ledger.InFlightFor(a.Key) > 0 || _ledger.Credits(a.Key) > 0).Select(a => a.Value).Distinct().Count();

    /// <summary>What a follower of the job would see change.</summary>
    public JobProgress Progress => new(Phase, ItemsCompleted, BatchesCounted, ActiveNodes);

    public IReadOnlyList<NodeTally> Tallies() => _tallies.ToList();

    /// <summary>
    /// The task stream and the plots' data since this coordinator started the job or took it over: only the snapshot taken
    /// when the job ends holds it, so batches counted before a fail-over are only in the tallies. The coordinator adds
    /// failures and worker counts.
    /// </summary>
    public JobTimeline Timeline => _timeline;

    public long ElapsedMs(long nowUnixMs) => Finished?.DurationMs ?? Math.Max(0, nowUnixMs - Spec!.StartedAtUnixMs);

    // ---- the job's life: what is journaled, and applying it ----

    /// <summary>
    /// Checks a submission: the event that starts the job, or a one-line reason to reject it (a buggy
    /// workload that throws is rejected too, never crashes the coordinator). The prepared workload is
    /// kept for <see cref="Apply(JobStarted)"/>, so a job is prepared once.
    /// </summary>
    public bool TryAccept(string jobId, string workload, IReadOnlyList<string> args, long nowUnixMs,
        [NotNullWhen(true)] out JobStarted? started, [NotNullWhen(false)] out string? reason) =>
        TryAccept(jobId, workload, args, nowUnixMs, useCache: true, out started, out reason);

    /// <inheritdoc cref="TryAccept(string, string, IReadOnlyList{string}, long, out JobStarted?, out string?)"/>
    /// <remarks>The manifest's chunks wait in <see cref="TakeManifestChunks"/> for the job store.</remarks>
    public bool TryAccept(string jobId, string workload, IReadOnlyList<string> args, long nowUnixMs, bool useCache,
        [NotNullWhen(true)] out JobStarted? started, [NotNullWhen(false)] out string? reason)
    {
        (started, reason) = (null, null);
        ManifestInfo manifest;
        string version;
        try
        {
            _job = _registry.Prepare(workload, args);
            (manifest, _manifestChunks) = ManifestCodec.Pack(_job.Manifest.Span);
            version = _registry.VersionOf(workload) ?? "";
        }
        catch (WorkloadArgumentException e)
        {
            reason = e.Message;
            return false;
        }
        catch (Exception e)
        {
            reason = $"{workload}: cannot prepare job: {e.Message}";
            return false;
        }
        started = new JobStarted(jobId, workload, args.ToArray(), _job.ItemCount, nowUnixMs, manifest, version,
            useCache && _job is ICacheableWorkloadJob);
        return true;
    }

    /// <summary>The chunks of the manifest <see cref="TryAccept(string, string, IReadOnlyList{string}, long, bool, out JobStarted?, out string?)"/> packed, once.</summary>
    public IReadOnlyList<byte[]> TakeManifestChunks()
    {
        var chunks = _manifestChunks ?? [];
        _manifestChunks = null;
        return chunks;
    }

    public void Apply(JobStarted started)
    {
        Spec = started;
        _timeline = new JobTimeline(started.StartedAtUnixMs);
        try
        {
            if (started.WorkloadVersion.Length > 0 && _registry.VersionOf(started.Workload) is { } local && local != started.WorkloadVersion)
                throw new WorkloadArgumentException($"its copy of workload '{started.Workload}' is version {new WorkloadId(started.Workload, local).ShortVersion}, " +
                                                    $"the job's is {new WorkloadId(started.Workload, started.WorkloadVersion).ShortVersion}");
            _job ??= Reopen(started);
            var sizes = _job.ItemSizes;
            _ledger = new JobLedger<TAgent>(started.ItemsTotal, new BatchSizer(_sizing), _maxAttempts,
                sizes is not null && sizes.Count == started.ItemsTotal ? IoBatchGrouping.Boundaries(sizes) : null);
            _aggregator = _job.CreateAggregator();
        }
        catch (Exception e)
        {
            // A journal written by a node that had a workload this node lacks, or a manifest the store lost: keep the job visible, failed.
            _ledger = new JobLedger<TAgent>(started.ItemsTotal, new BatchSizer(_sizing), _maxAttempts);
            _aggregator = new NoResult();
            Finished = new JobFinished(JobPhase.Failed, $"cannot resume on this node: {e.Message}", 0);
        }
    }

    /// <summary>The job as it started, from its arguments and the manifest in the job store: nothing is listed again.</summary>
    private IWorkloadJob Reopen(JobStarted started)
    {
        var info = started.ManifestOrNone;
        if (info.IsEmpty) return _registry.Prepare(started.Workload, started.Args);
        var chunks = new List<byte[]>(info.Chunks);
        for (var i = 0; i < info.Chunks; i++)
            chunks.Add(_store.ReadManifestChunk(started.JobId, i) ?? throw new InvalidDataException($"the job store has lost chunk {i} of the job's manifest"));
        return _registry.Open(started.Workload, started.Args, ManifestCodec.Unpack(info, chunks));
    }

    /// <summary>Counts items taken from the result cache (replaying it twice counts nothing twice).</summary>
    public void Apply(ItemsFromCache cached)
    {
        foreach (var batch in cached.Ranges)
        {
            var range = new ItemRange(batch.Start, batch.Count);
            if (!_ledger.RestoreCompleted(range, isBatch: false)) continue;
            _aggregator.Add(range, batch.Partial);
            ItemsFromCache += range.Count;
        }
    }

    /// <summary>Replays first completions; a range already counted (an event replayed over a snapshot that included it) is skipped.</summary>
    public void Apply(BatchesCounted counted)
    {
        _recoveredIssuedUpTo = Math.Max(_recoveredIssuedUpTo, counted.IssuedUpTo);
        _tallies.SetWorkers(counted.Node, counted.Workers);
        foreach (var batch in counted.Ranges)
        {
            var range = new ItemRange(batch.Start, batch.Count);
            if (_ledger.RestoreCompleted(range))
                Count(counted.Node, range, batch);
        }
    }

    public void Apply(JobFinished finished)
    {
        Finished = finished;
        ResultJson = _aggregator.ToJson().ToJsonString();
    }

    public JobFinished Finish(JobPhase phase, string? error, long nowUnixMs) => new(phase, error, ElapsedMs(nowUnixMs));

    public JobSnapshot Snapshot()
    {
        var intervals = new List<long>(_ledger.Completed.IntervalCount * 2);
        foreach (var (start, end) in _ledger.Completed.Intervals)
        {
            intervals.Add(start);
            intervals.Add(end);
        }
        // Only an ended job's snapshot carries the timeline: a running job's snapshots stay small.
        return new JobSnapshot(Spec!, intervals, _aggregator.Save(), _tallies.ToList(), _ledger.IssuedUpTo,
            _ledger.ItemsExecutedMoreThanOnce, Finished, _ledger.BatchesCounted, ItemsFromCache, Finished is null ? null : _timeline.View());
    }

    public void Load(JobSnapshot snapshot)
    {
        Apply(snapshot.Spec);
        for (var i = 0; i + 1 < snapshot.CompletedIntervals.Count; i += 2)
            _ledger.RestoreCompleted(new ItemRange(snapshot.CompletedIntervals[i], snapshot.CompletedIntervals[i + 1] - snapshot.CompletedIntervals[i]));
        _ledger.RestoreBatchCount(snapshot.BatchesCounted);
        _aggregator.Load(snapshot.Aggregate);
        _tallies.Load(snapshot.Nodes);
        _recoveredIssuedUpTo = snapshot.IssuedUpTo;
        _ledger.AddReexecuted(snapshot.ItemsExecutedMoreThanOnce);
        ItemsFromCache = snapshot.ItemsFromCache;
        if (snapshot.Timeline is not null) _timeline = JobTimeline.Restore(snapshot.Timeline);
        if (snapshot.Finished is not null) Apply(snapshot.Finished);
    }

    /// <summary>
    /// After recovery: whatever had been handed out but not counted when the job stopped runs again, and
    /// counts as executed more than once. Returns how many items that is.
    /// </summary>
    public long Resume()
    {
        var rerun = _recoveredIssuedUpTo - _ledger.Completed.CountBelow(_recoveredIssuedUpTo);
        _ledger.AddReexecuted(rerun);
        return rerun;
    }

    // ---- running: agents, credits and completions ----

    /// <summary>The node an agent runs on, when the job knows the agent.</summary>
    public string? NodeOf(TAgent agent) => _agentNodes.GetValueOrDefault(agent);

    public List<TAgent> AgentsOn(string node) => _agentNodes.Where(a => a.Value == node).Select(a => a.Key).ToList();

    /// <summary>
    /// Adds the credits an agent grants, or with <paramref name="replace"/> (a resync) replaces what the
    /// ledger holds for it; no batch it gets is larger than <paramref name="maxBatchItems"/> (0 = no bound).
    /// Returns true when the agent is new to this job.
    /// </summary>
    public bool Grant(TAgent agent, string node, int credits, int workers, long maxBatchItems = 0, bool replace = false)
    {
        var isNew = _agentNodes.TryAdd(agent, node);
        _tallies.SetWorkers(_agentNodes[agent], workers);
        if (replace)
            _ledger.ResetCredits(agent, credits, workers, maxBatchItems);
        else
            _ledger.Grant(agent, credits, workers, maxBatchItems);
        return isNew;
    }

    /// <summary>
    /// Counts what an agent ran: the first completion of each range goes into the result and the node's
    /// tally at once. Returns the event to journal, or null when nothing was new.
    /// </summary>
    public BatchesCounted? Complete(TAgent agent, string node, int workers, NodeJobUsage? usage, IEnumerable<(long BatchId, CountedRange Batch)> batches) =>
        Complete(agent, node, workers, usage, batches.Select(b => new BatchCompletion(b.BatchId, b.Batch))).Event;

    /// <summary>
    /// As above, with the batches' per-item records: a batch whose records are not one per item is refused (it
    /// runs again); the first completion of a range gives the record blocks to store, cut to about
    /// <see cref="ResultCache.BlockRawBytes"/> of text each, and, for a job on the cache, the records to remember.
    /// </summary>
    public CountedCompletion Complete(TAgent agent, string node, int workers, NodeJobUsage? usage, IEnumerable<BatchCompletion> batches)
    {
        if (usage is not null)
            _tallies.SetUsage(node, usage);
        List<CountedRange>? counted = null;
        var rows = new List<StoredRecords>();
        var cacheable = new List<(long, string[])>();
        var rejected = new List<(long, ItemRange, string)>();
        var caching = CacheScope is not null;
        foreach (var (batchId, batch, block, worker, startedAt) in batches)
        {
            var range = new ItemRange(batch.Start, batch.Count);
            string[]? records = null;
            if (block is not null)
            {
                try
                {
                    records = RecordBlock.Decode(block, range.Count);
                }
                catch (InvalidDataException e)
                {
                    rejected.Add((batchId, range, $"the batch's records are unusable: {e.Message}"));
                    continue;
                }
            }
            if (_ledger.Complete(agent, batchId, range, batch.BusyMicros) != CompletionOutcome.Counted) continue;
            Count(node, range, batch);
            _timeline.RecordBatch(node, worker, startedAt > 0 ? startedAt : _timeline.OriginUnixMs * 1000, batch.BusyMicros, range.Start, range.Count);
            (counted ??= []).Add(batch);
            if (records is null) continue;
            if (records.Sum(r => (long)Encoding.UTF8.GetByteCount(r)) <= ResultCache.BlockRawBytes)
                rows.Add(new StoredRecords(range.Start, range.Count, block!));
            else
                rows.AddRange(RecordBlock.Split(range.Start, records, ResultCache.BlockRawBytes).Select(b => new StoredRecords(b.Start, b.Count, b.Block)));
            if (caching) cacheable.Add((range.Start, records));
        }
        var journaled = counted is null ? null : new BatchesCounted(counted, node, workers, _ledger.IssuedUpTo);
        return new CountedCompletion(journaled, rows, cacheable, rejected);
    }

    public FailureOutcome Fail(long batchId, ItemRange range) => _ledger.Fail(batchId, range);

    /// <summary>A leaving agent hands back batches it has not started, and asks for nothing more. Returns how many were its.</summary>
    public int Return(TAgent agent, IEnumerable<long> batchIds)
    {
        var returned = batchIds.Count(id => _ledger.Return(agent, id));
        _ledger.RevokeCredits(agent);
        return returned;
    }

    /// <summary>The agent is gone: its batches go back to be handed out again. Null when the job did not know it.</summary>
    public List<ItemRange>? RemoveAgent(TAgent agent) => _agentNodes.Remove(agent) ? _ledger.RemoveAgent(agent) : null;

    public List<Handout<TAgent>> Dispatch() => _ledger.Dispatch();

    /// <summary>When nothing is left to hand out, agents get back the credits that cannot be used now.</summary>
    public List<(TAgent Agent, int Credits)> TakeBackUnusedCredits()
    {
        var unused = new List<(TAgent, int)>();
        if (_ledger.HasWorkToHandOut) return unused;
        foreach (var agent in _agentNodes.Keys)
        {
            var credits = _ledger.RevokeCredits(agent);
            if (credits > 0) unused.Add((agent, credits));
        }
        return unused;
    }

    private void Count(string node, ItemRange range, CountedRange batch)
    {
        _aggregator.Add(range, batch.Partial);
        _tallies.Count(node, range.Count, batch.BusyMicros);
    }

    private sealed class NoResult : IResultAggregator
    {
        public void Add(ItemRange range, ReadOnlySpan<byte> partial) { }
        public System.Text.Json.Nodes.JsonObject ToJson() => [];
        public byte[] Save() => [];
        public void Load(ReadOnlySpan<byte> saved) { }
    }
}
