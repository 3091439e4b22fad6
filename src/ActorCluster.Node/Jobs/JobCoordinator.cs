using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Jobs;

/// <summary>
/// Runs one job: partitions it lazily, hands a batch to a node agent only against a credit, takes back
/// the batches of agents that are lost, counts each item range once, and merges the results.
/// It is a sharded, persistent entity: it journals the job's spec, the counted batches of each agent
/// report (ranges + partial results) and the job's end, with snapshots, so it resumes on another node
/// or after a whole-cluster restart without redoing finished work. All bookkeeping lives in <see cref="JobLedger{TAgent}"/>.
/// </summary>
public sealed class JobCoordinator : ReceivePersistentActor, IWithTimers
{
    public const string PersistenceIdPrefix = "job-";

    private readonly string _jobId;
    private readonly WorkloadRegistry _registry;
    private readonly IActorRef _directory;
    private readonly CoordinatorSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<IActorRef, AgentInfo> _agents = [];
    private readonly Dictionary<string, NodeCounters> _nodes = [];
    private readonly Address _selfAddress;

    private JobStarted? _spec;
    private JobFinished? _finished;
    private JobLedger<IActorRef> _ledger = null!;
    private IResultAggregator _aggregator = null!;
    private long _recoveredIssuedUpTo;
    private int _eventsSinceSnapshot;
    private string? _resultJson;
    private IActorRef? _submitter;

    public ITimerScheduler Timers { get; set; } = null!;

    public override string PersistenceId { get; }

    public JobCoordinator(string jobId, WorkloadRegistry registry, IActorRef directory, CoordinatorSettings settings)
    {
        _jobId = jobId;
        _registry = registry;
        _directory = directory;
        _settings = settings;
        PersistenceId = PersistenceIdPrefix + jobId;
        _selfAddress = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress;

        Recover<JobStarted>(ApplyStarted);
        Recover<BatchesCounted>(ApplyCounted);
        Recover<JobFinished>(ApplyFinished);
        Recover<SnapshotOffer>(offer => ApplySnapshot((JobSnapshot)offer.Snapshot));
        Recover<RecoveryCompleted>(_ => AfterRecovery());
    }

    public static Props Props(string jobId, WorkloadRegistry registry, IActorRef directory, CoordinatorSettings settings) =>
        Akka.Actor.Props.Create(() => new JobCoordinator(jobId, registry, directory, settings));

    // ---- applying events (recovery and live) ----

    private void ApplyStarted(JobStarted started)
    {
        _spec = started;
        _ledger = new JobLedger<IActorRef>(started.ItemsTotal, new BatchSizer(_settings.BatchSizing), _settings.MaxAttemptsPerBatch);
        try
        {
            _aggregator = _registry.Prepare(started.Workload, started.Args).CreateAggregator();
        }
        catch (Exception e)
        {
            // A journal written by a node that had a workload this node lacks: keep the job visible, failed.
            _aggregator = new NoResult();
            _finished = new JobFinished(JobPhase.Failed, $"cannot resume on this node: {e.Message}", 0);
        }
    }

    /// <summary>Idempotent: a batch already counted (an event replayed over a snapshot that included it) is skipped.</summary>
    private void ApplyCounted(BatchesCounted counted)
    {
        _recoveredIssuedUpTo = Math.Max(_recoveredIssuedUpTo, counted.IssuedUpTo);
        var tally = Tally(counted.Node);
        tally.Workers = counted.Workers;
        foreach (var batch in counted.Ranges)
        {
            var range = new ItemRange(batch.Start, batch.Count);
            if (_ledger.RestoreCompleted(range))
                CountInto(tally, range, batch);
        }
    }

    private void CountInto(NodeCounters tally, ItemRange range, CountedRange batch)
    {
        _aggregator.Add(range, batch.Partial);
        tally.Batches++;
        tally.Items += range.Count;
        tally.BusyMicros += batch.BusyMicros;
    }

    private void ApplyFinished(JobFinished finished)
    {
        _finished = finished;
        _resultJson = _aggregator.ToJson().ToJsonString();
    }

    private void ApplySnapshot(JobSnapshot snapshot)
    {
        ApplyStarted(snapshot.Spec);
        for (var i = 0; i + 1 < snapshot.CompletedIntervals.Count; i += 2)
            _ledger.RestoreCompleted(new ItemRange(snapshot.CompletedIntervals[i], snapshot.CompletedIntervals[i + 1] - snapshot.CompletedIntervals[i]));
        _ledger.RestoreBatchCount(snapshot.BatchesCounted);
        _aggregator.Load(snapshot.Aggregate);
        _nodes.Clear();
        foreach (var n in snapshot.Nodes)
            _nodes[n.Address] = new NodeCounters { Workers = n.Workers, Batches = n.Batches, Items = n.Items, BusyMicros = n.BusyMs * 1000, Profile = n.Profile };
        _recoveredIssuedUpTo = snapshot.IssuedUpTo;
        _ledger.AddReexecuted(snapshot.ItemsExecutedMoreThanOnce);
        if (snapshot.Finished is not null) ApplyFinished(snapshot.Finished);
    }

    private void AfterRecovery()
    {
        if (_spec is null)
        {
            Become(AwaitingStart);
            return;
        }
        if (_finished is not null)
        {
            BecomeEnded();
            return;
        }
        // Whatever had been handed out but not counted when the job stopped runs again.
        var rerun = _recoveredIssuedUpTo - _ledger.Completed.CountBelow(_recoveredIssuedUpTo);
        _ledger.AddReexecuted(rerun);
        _log.Info("job {0}: resumed from its journal with {1}/{2} items done; up to {3} items that were in flight run again",
            _jobId, _ledger.ItemsCompleted, _ledger.ItemsTotal, rerun);
        StartRunning();
    }

    /// <summary>The job store refused a write: the actor stops (sharding restarts it); a waiting submitter hears why.</summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "job {0}: cannot write to the job store", _jobId);
        if (@event is JobStarted)
            _submitter?.Tell(new JobRejected($"cannot write to the job store: {cause.Message}"));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    // ---- behaviours ----

    private void AwaitingStart()
    {
        Command<StartJob>(Start);
        // Anything else means someone asked about a job this coordinator never started.
        Command<GetJobStatus>(m => NotFound(m.JobId));
        Command<CancelJob>(m => NotFound(m.JobId));
        Command<ResumeJob>(_ => Passivate());
        Command<RequestWork>(_ => Sender.Tell(new JobEnded(_jobId, JobPhase.Cancelled)));
        // A report's credits ask for work as a RequestWork does: the agent must hear that there is none.
        Command<BatchesCompleted>(m => { if (m.Credits > 0) Sender.Tell(new JobEnded(_jobId, JobPhase.Cancelled)); });
    }

    private void NotFound(string jobId)
    {
        Sender.Tell(new JobNotFound(jobId));
        Passivate();
    }

    private void Start(StartJob start)
    {
        IWorkloadJob job;
        try
        {
            job = _registry.Prepare(start.Workload, start.Args);
        }
        catch (WorkloadArgumentException e)
        {
            Sender.Tell(new JobRejected(e.Message));
            Passivate();
            return;
        }
        var submitter = _submitter = Sender;
        var started = new JobStarted(_jobId, start.Workload, start.Args.ToArray(), job.ItemCount, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Persist(started, e =>
        {
            ApplyStarted(e);
            submitter.Tell(new JobAccepted(_jobId, e.ItemsTotal));
            _log.Info("job {0}: {1} {2} started, {3} items", _jobId, e.Workload, string.Join(' ', e.Args), e.ItemsTotal);
            StartRunning();
        });
    }

    private void StartRunning()
    {
        Become(Running);
        if (_ledger.IsComplete)
        {
            End(JobPhase.Completed, null);
            return;
        }
        _directory.Tell(new WatchWorkerNodes(Self));
        Announce();
        Timers.StartPeriodicTimer("reannounce", Reannounce.Instance, _settings.ReannounceInterval);
    }

    private void Running()
    {
        Command<StartJob>(_ => Sender.Tell(new JobAccepted(_jobId, _ledger.ItemsTotal)));
        Command<ResumeJob>(_ => { });
        Command<RequestWork>(OnRequestWork);
        Command<BatchesCompleted>(OnBatchesCompleted);
        Command<BatchFailed>(OnBatchFailed);
        Command<ReturnBatches>(OnReturnBatches);
        Command<WorkerNodeLost>(m => LoseNode(m.Node, m.Why));
        Command<WorkerNodeUp>(m => _directory.Tell(new AnnounceToAgents(JobAvailableMessage(), m.Node)));
        Command<Terminated>(m => LoseAgent(m.ActorRef, "agent stopped"));
        Command<Reannounce>(_ => { if (_ledger.HasWorkToHandOut) Announce(); });
        Command<GetJobStatus>(_ => Sender.Tell(Status()));
        Command<CancelJob>(_ =>
        {
            var asker = Sender;
            End(JobPhase.Cancelled, "cancelled by user", () => asker.Tell(Status()));
        });
        CommandSnapshotHousekeeping();
    }

    private void BecomeEnded()
    {
        Become(Ended);
        SetReceiveTimeout(_settings.EndedJobIdleTimeout);
    }

    private void Ended()
    {
        Command<StartJob>(_ => Sender.Tell(new JobAccepted(_jobId, _ledger.ItemsTotal)));
        Command<ResumeJob>(_ => { });
        Command<GetJobStatus>(_ => Sender.Tell(Status()));
        Command<CancelJob>(_ => Sender.Tell(Status()));
        // Late messages from agents: tell them the job is over so they drop it.
        Command<RequestWork>(_ => Sender.Tell(new JobEnded(_jobId, _finished!.State)));
        Command<BatchesCompleted>(m => { if (m.Credits > 0) Sender.Tell(new JobEnded(_jobId, _finished!.State)); });
        Command<BatchFailed>(_ => { });
        Command<ReturnBatches>(_ => { });
        Command<WorkerNodeLost>(_ => { });
        Command<WorkerNodeUp>(_ => { });
        Command<Terminated>(_ => { });
        Command<Reannounce>(_ => { });
        Command<ReceiveTimeout>(_ => Passivate());
        CommandSnapshotHousekeeping();
    }

    private void CommandSnapshotHousekeeping()
    {
        Command<SaveSnapshotSuccess>(m =>
        {
            // The snapshot holds everything before it: drop the events and older snapshots it replaces.
            DeleteMessages(m.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(m.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(m => _log.Warning("job {0}: snapshot failed: {1}", _jobId, m.Cause.Message));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(m => _log.Warning("job {0}: deleting old events failed: {1}", _jobId, m.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    // ---- running a job ----

    private void OnRequestWork(RequestWork request)
    {
        var agent = Sender;
        var info = Agent(agent);
        GrantCredits(agent, info, request.Credits, request.Workers, replace: request.Resync);
        Dispatch();
    }

    private AgentInfo Agent(IActorRef agent)
    {
        if (!_agents.TryGetValue(agent, out var info))
        {
            info = new AgentInfo(NodeKey(agent));
            _agents[agent] = info;
            Context.Watch(agent);
        }
        return info;
    }

    /// <param name="replace">The credits replace what the ledger holds for the agent (a resync) instead of adding to it.</param>
    private void GrantCredits(IActorRef agent, AgentInfo info, int credits, int workers, bool replace = false)
    {
        info.Workers = workers;
        Tally(info.Node).Workers = workers;
        if (replace)
            _ledger.ResetCredits(agent, credits, workers);
        else
            _ledger.Grant(agent, credits, workers);
    }

    /// <summary>
    /// An agent's report: every batch it finished since its last report, and the credits they freed. The
    /// first completion of each range is counted in memory at once and journaled as one event per report.
    /// </summary>
    private void OnBatchesCompleted(BatchesCompleted report)
    {
        var agent = Sender;
        // An agent this coordinator dropped (its node was thought lost) still has its completions counted.
        var node = _agents.TryGetValue(agent, out var known) ? known.Node : NodeKey(agent);
        var tally = Tally(node);
        // The agent attaches its plan, peak RSS, CPU and resize events when they change; the latest wins.
        if (report.Profile is { } profile)
            tally.Profile = profile;
        List<CountedRange>? counted = null;
        foreach (var done in report.Batches)
        {
            var range = new ItemRange(done.Start, done.Count);
            if (_ledger.Complete(agent, done.BatchId, range, done.BusyMicros) != CompletionOutcome.Counted) continue;
            var batch = new CountedRange(done.Start, done.Count, done.BusyMicros, done.Partial);
            CountInto(tally, range, batch);
            (counted ??= new List<CountedRange>(report.Batches.Count)).Add(batch);
        }
        if (counted is not null)
        {
            // The journal write is asynchronous so hand-outs never wait on the database.
            // A completion lost in a crash before its write is simply run again after recovery.
            PersistAsync(new BatchesCounted(counted, node, report.Workers, _ledger.IssuedUpTo), _ => MaybeSnapshot());
        }
        if (_ledger.IsComplete)
        {
            End(JobPhase.Completed, null);
            return;
        }
        if (report.Credits > 0)
            GrantCredits(agent, Agent(agent), report.Credits, report.Workers);
        Dispatch();
    }

    /// <summary>
    /// Snapshots every <see cref="CoordinatorSettings.SnapshotEvery"/> journal events: recovery never replays
    /// more events than that. Counting events, not batches: at tens of thousands of tiny batches a second,
    /// a snapshot per 500 batches meant dozens of snapshot writes and deletes a second.
    /// </summary>
    private void MaybeSnapshot()
    {
        if (++_eventsSinceSnapshot < _settings.SnapshotEvery) return;
        _eventsSinceSnapshot = 0;
        SaveSnapshot(Snapshot());
    }

    private JobSnapshot Snapshot()
    {
        var intervals = new List<long>(_ledger.Completed.IntervalCount * 2);
        foreach (var (start, end) in _ledger.Completed.Intervals) { intervals.Add(start); intervals.Add(end); }
        return new JobSnapshot(_spec!, intervals, _aggregator.Save(), NodeTallies(), _ledger.IssuedUpTo, _ledger.ItemsExecutedMoreThanOnce, _finished, _ledger.BatchesCounted);
    }

    private void OnBatchFailed(BatchFailed failed)
    {
        var range = new ItemRange(failed.Start, failed.Count);
        var outcome = _ledger.Fail(failed.BatchId, range);
        _log.Warning("job {0}: batch {1} failed on {2}: {3} ({4})", _jobId, range, NodeKey(Sender), failed.Error, outcome);
        if (outcome == FailureOutcome.GaveUp)
        {
            End(JobPhase.Failed, $"items {range} failed {_settings.MaxAttemptsPerBatch} times; last error: {failed.Error}");
            return;
        }
        Dispatch();
        if (outcome == FailureOutcome.WillRetry && _ledger.HasWorkToHandOut)
            Announce();
    }

    /// <summary>
    /// A leaving node hands back the batches it has not started. Its running batches stay in flight: their
    /// completions still arrive, and anything left is returned when the node is removed.
    /// </summary>
    private void OnReturnBatches(ReturnBatches returned)
    {
        var count = returned.BatchIds.Count(id => _ledger.Return(Sender, id));
        _ledger.RevokeCredits(Sender);
        _log.Info("job {0}: {1} batches handed back by {2} (leaving)", _jobId, count, NodeKey(Sender));
        Dispatch();
        if (_ledger.HasWorkToHandOut)
            Announce();
    }

    private void LoseNode(Address node, string why)
    {
        var key = node.ToString();
        foreach (var agent in _agents.Where(a => a.Value.Node == key).Select(a => a.Key).ToList())
            LoseAgent(agent, why);
    }

    private void LoseAgent(IActorRef agent, string why)
    {
        if (!_agents.Remove(agent)) return;
        Context.Unwatch(agent);
        var returned = _ledger.RemoveAgent(agent);
        _log.Info("job {0}: agent {1} lost ({2}); {3} batches go back to be handed out again", _jobId, agent.Path, why, returned.Count);
        Dispatch();
        if (_ledger.HasWorkToHandOut)
            Announce();
    }

    /// <summary>Hands out what the credits allow; agents whose credits cannot be used now get them back.</summary>
    private void Dispatch()
    {
        // One message per agent however many batches its credits bought.
        foreach (var forAgent in _ledger.Dispatch().GroupBy(h => h.Agent))
            forAgent.Key.Tell(new WorkBatches(_jobId, forAgent.Select(h => new BatchAssignment(h.BatchId, h.Range.Start, h.Range.Count)).ToArray()));

        if (_ledger.HasWorkToHandOut) return;
        foreach (var agent in _agents.Keys)
        {
            var unused = _ledger.RevokeCredits(agent);
            if (unused > 0)
                agent.Tell(new NoWorkNow(_jobId, unused));
        }
    }

    private void Announce() => _directory.Tell(new AnnounceToAgents(JobAvailableMessage()));

    private JobAvailable JobAvailableMessage() => new(_jobId, _spec!.Workload, _spec.Args, Self);

    private void End(JobPhase state, string? error, Action? then = null)
    {
        Timers.CancelAll();
        var finished = new JobFinished(state, error, ElapsedMs());
        Persist(finished, e =>
        {
            ApplyFinished(e);
            var ended = new JobEnded(_jobId, state);
            foreach (var agent in _agents.Keys)
                agent.Tell(ended);
            _directory.Tell(new AnnounceToAgents(ended));
            _log.Info("job {0}: {1} after {2} ms, {3}/{4} items{5}", _jobId, state, e.DurationMs,
                _ledger.ItemsCompleted, _ledger.ItemsTotal, error is null ? "" : $" ({error})");
            SaveSnapshot(Snapshot());
            BecomeEnded();
            then?.Invoke();
        });
    }

    private long ElapsedMs() => _finished?.DurationMs ?? Math.Max(0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - _spec!.StartedAtUnixMs);

    private JobStatus Status()
    {
        var running = _finished is null;
        var active = _agents
            .Where(a => _ledger.InFlightFor(a.Key) > 0 || _ledger.Credits(a.Key) > 0)
            .Select(a => a.Value.Node).Distinct().Count();
        return new JobStatus(_jobId, _spec!.Workload, _finished?.State ?? JobPhase.Running, _ledger.ItemsTotal, _ledger.ItemsCompleted,
            _ledger.BatchesCounted, ElapsedMs(), running ? active : 0, _ledger.ItemsExecutedMoreThanOnce,
            NodeTallies(), _resultJson, _finished?.Error);
    }

    private List<NodeTally> NodeTallies() =>
        _nodes.OrderBy(n => n.Key, StringComparer.Ordinal)
            .Select(n => new NodeTally(n.Key, n.Value.Workers, n.Value.Batches, n.Value.Items, n.Value.BusyMicros / 1000, n.Value.Profile))
            .ToList();

    /// <summary>Stops this entity through its shard, so sharding does not restart it as if it had crashed.</summary>
    private void Passivate()
    {
        if (Context.Parent.Path.Name.Length > 0 && Context.Parent.Path.Elements.Contains("sharding"))
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        else
            Context.Stop(Self);
    }

    private string NodeKey(IActorRef agent) =>
        (agent.Path.Address.HasLocalScope ? _selfAddress : agent.Path.Address).ToString();

    private NodeCounters Tally(string node)
    {
        if (!_nodes.TryGetValue(node, out var tally))
            _nodes[node] = tally = new NodeCounters();
        return tally;
    }

    private sealed class AgentInfo(string node)
    {
        public string Node { get; } = node;
        public int Workers { get; set; }
    }

    private sealed class NodeCounters
    {
        public int Workers;
        public long Batches;
        public long Items;
        public long BusyMicros;
        public NodeJobUsage? Profile;
    }

    private sealed class NoResult : IResultAggregator
    {
        public void Add(ItemRange range, ReadOnlySpan<byte> partial) { }
        public System.Text.Json.Nodes.JsonObject ToJson() => [];
        public byte[] Save() => [];
        public void Load(ReadOnlySpan<byte> saved) { }
    }

    private sealed class Reannounce : INoSerializationVerificationNeeded
    {
        public static readonly Reannounce Instance = new();
    }
}
