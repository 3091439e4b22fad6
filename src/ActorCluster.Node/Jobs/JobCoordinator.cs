using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;
using ActorCluster.Node.Metrics;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Jobs;

/// <summary>
/// Runs one job: hands batches to node agents only against their credits, takes back the batches of
/// agents that are lost, and tells whoever watches the job how it goes. It journals the job's spec, the
/// batches counted from each completion message and the job's end, so it resumes on another node or after
/// a whole-cluster restart without redoing finished work. A job's manifest and its per-item records live in the
/// job store beside the journal (<see cref="IJobDataStore"/>), written off this actor's thread and always before
/// the event that relies on them is journaled. What it computes lives in <see cref="JobState{TAgent}"/>; this actor
/// persists, runs timers and sends.
/// </summary>
public sealed class JobCoordinator : SnapshottingEntity, IWithTimers, IWithUnboundedStash
{
    /// <summary>About this much text per <see cref="JobResults"/> reply, well under the 16 MB frame (a block adds at most ~1.3 MB).</summary>
    public const int ResultsReplyChars = 4 * 1024 * 1024;

    /// <summary>Record parts of unfinished batches kept at most; past it a batch's parts are dropped and the batch runs again.</summary>
    private const long MaxBufferedPartBytes = 512L * 1024 * 1024;

    public const string PersistenceIdPrefix = "job-";
    private const string ReannounceTimer = "reannounce";
    private const string ProgressTimer = "progress";

    private readonly string _jobId;
    private readonly IActorRef _directory;
    private readonly CoordinatorSettings _settings;
    private readonly Address _selfAddress;
    private readonly JobState<IActorRef> _state;
    private readonly JobWatchers<IActorRef> _watchers;
    private readonly IJobDataStore _store;
    private readonly Dictionary<(IActorRef Agent, long BatchId), List<byte[]>> _recordParts = [];
    private long _bufferedPartBytes;
    private IActorRef? _submitter;
    private Task _writes = Task.CompletedTask;
    private int _pendingWrites;
    private Action? _endWhenWritten;

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    public override string PersistenceId { get; }

    public JobCoordinator(string jobId, WorkloadRegistry registry, IActorRef directory, CoordinatorSettings settings, IJobDataStore? store = null)
        : base(settings.SnapshotEvery)
    {
        _jobId = jobId;
        _directory = directory;
        _settings = settings;
        _store = store ?? new MemoryJobDataStore();
        PersistenceId = PersistenceIdPrefix + jobId;
        _selfAddress = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress;
        _state = new JobState<IActorRef>(registry, settings.BatchSizing, settings.MaxAttemptsPerBatch, _store);
        _watchers = new JobWatchers<IActorRef>(settings.WatchLease);

        Recover<JobStarted>(_state.Apply);
        Recover<ItemsFromCache>(_state.Apply);
        Recover<BatchesCounted>(_state.Apply);
        Recover<JobFinished>(_state.Apply);
        Recover<SnapshotOffer>(offer => _state.Load((JobSnapshot)offer.Snapshot));
        Recover<RecoveryCompleted>(_ => AfterRecovery());
    }

    /// <param name="store">The job store's manifests, records and cache; null: in memory (specs).</param>
    public static Props Props(string jobId, WorkloadRegistry registry, IActorRef directory, CoordinatorSettings settings, IJobDataStore? store = null) =>
        Akka.Actor.Props.Create(() => new JobCoordinator(jobId, registry, directory, settings, store));

    protected override bool CanSnapshot => _pendingWrites == 0;

    private void AfterRecovery()
    {
        if (_state.Spec is null)
            Become(AwaitingStart);
        else if (_state.Finished is not null)
            BecomeEnded();
        else
        {
            Log.Info("job {0}: resumed from its journal with {1}/{2} items done; up to {3} items that were in flight run again",
                _jobId, _state.ItemsCompleted, _state.ItemsTotal, _state.Resume());
            StartRunning();
        }
    }

    /// <summary>The job store refused a write: the actor stops (sharding restarts it); a waiting submitter hears why.</summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        Log.Error(cause, "job {0}: cannot write to the job store", _jobId);
        if (@event is JobStarted)
            _submitter?.Tell(new JobRejected($"cannot write to the job store: {cause.Message}"));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    private void AwaitingStart()
    {
        Command<StartJob>(Start);
        // Anything else means someone asked about a job this coordinator never started.
        Command<IJobMessage>(m => { Sender.Tell(new JobNotFound(m.JobId)); Passivate(); }, m => m is GetJobStatus or CancelJob or WatchJob or GetJobResults or GetJobTimeline);
        Command<ResumeJob>(_ => Passivate());
        // Credits on a completion ask for work as a RequestWork does: the agent must hear that there is none.
        Command<RequestWork>(_ => Sender.Tell(new JobEnded(_jobId, JobPhase.Cancelled)));
        Command<BatchesCompleted>(m => { if (m.Credits > 0) Sender.Tell(new JobEnded(_jobId, JobPhase.Cancelled)); });
    }

    /// <summary>
    /// Prepares the job (a workload with a manifest lists its inputs here, once), then, off this thread, stores the
    /// manifest and takes what the result cache has; only then is the start journaled and the submitter answered.
    /// </summary>
    private void Start(StartJob start)
    {
        if (!_state.TryAccept(_jobId, start.Workload, start.Args, Now(), !start.NoCache, out var started, out var reason))
        {
            Sender.Tell(new JobRejected(reason));
            Passivate();
            return;
        }
        var submitter = _submitter = Sender;
        var (store, jobId, chunks) = (_store, _jobId, _state.TakeManifestChunks());
        var cacheable = started.UseCache ? _state.Job as ICacheableWorkloadJob : null;
        var scope = ResultCache.Scope(started.Workload, started.WorkloadVersion);
        Task.Run(() =>
        {
            if (chunks.Count > 0) store.SaveManifest(jobId, chunks);
            return cacheable is null ? [] : ResultCache.Reuse(cacheable, store, scope, jobId);
        }).PipeTo(Self, success: fromCache => new JobPrepared(started, fromCache, submitter),
            failure: e => new JobPrepareFailed($"cannot write the job's manifest to the job store: {(e.InnerException ?? e).Message}", submitter));
        Become(Starting);
    }

    private void Starting()
    {
        Command<JobPrepareFailed>(m =>
        {
            m.Submitter.Tell(new JobRejected(m.Reason));
            Passivate();
        });
        Command<JobPrepared>(m =>
        {
            var events = new List<object> { m.Started };
            events.AddRange(m.FromCache);
            var left = events.Count;
            PersistAll(events, e =>
            {
                switch (e)
                {
                    case JobStarted s: _state.Apply(s); break;
                    case ItemsFromCache c: _state.Apply(c); break;
                }
                if (--left > 0) return;
                m.Submitter.Tell(new JobAccepted(_jobId, m.Started.ItemsTotal));
                Log.Info("job {0}: {1} {2} started, {3} items{4}", _jobId, m.Started.Workload, string.Join(' ', m.Started.Args), m.Started.ItemsTotal,
                    _state.ItemsFromCache > 0 ? $", {_state.ItemsFromCache} from the result cache" : "");
                Stash.UnstashAll();
                StartRunning();
            });
        });
        CommandSnapshotHousekeeping();
        Command<object>(_ => Stash.Stash());
    }

    private void StartRunning()
    {
        Become(Running);
        ActorClusterMetrics.JobState(_jobId, JobPhase.Running);
        if (_state.IsComplete)
        {
            End(JobPhase.Completed, null);
            return;
        }
        _directory.Tell(new WatchWorkerNodes(Self));
        Announce();
        AskWorkerMemoryLimits();
        Timers.StartPeriodicTimer(ReannounceTimer, Reannounce.Instance, _settings.ReannounceInterval);
        Timers.StartPeriodicTimer(ProgressTimer, PushProgress.Instance, _settings.ProgressInterval);
    }

    private void Running()
    {
        CommandStarted();
        Command<ResumeJob>(_ => { });
        Command<RequestWork>(m => { Grant(Sender, m.Credits, m.Workers, m.MaxBatchItems, m.Resync); Dispatch(); });
        Command<BatchRecordsPart>(OnRecordsPart);
        Command<BatchesCompleted>(OnBatchesCompleted);
        Command<RecordsWritten>(OnRecordsWritten);
        Command<RecordsWriteFailed>(m =>
        {
            _pendingWrites--;
            Log.Error("job {0}: {1}", _jobId, m.Error);
            _endWhenWritten = null;
            End(JobPhase.Failed, m.Error);
        });
        Command<BatchFailed>(OnBatchFailed);
        Command<ReturnBatches>(m =>
        {
            // A leaving node hands back what it has not started; what runs there still completes, or comes back when the node is removed.
            Log.Info("job {0}: {1} batches handed back by {2} (leaving)", _jobId, _state.Return(Sender, m.BatchIds), NodeKey(Sender));
            Redistribute();
        });
        Command<WorkerNodeLost>(m => _state.AgentsOn(m.Node.ToString()).ForEach(agent => LoseAgent(agent, m.Why)));
        Command<WorkerNodeUp>(m =>
        {
            _directory.Tell(new AnnounceToAgents(JobAvailableMessage(), m.Node, Requires: _state.Requires));
            AskWorkerMemoryLimits(); // the first worker node up may be the first to refuse the job
        });
        Command<WorkerMemoryLimits>(m =>
        {
            if (_state.Job is { } job && WorkloadAvailability.MemoryRefusal(job.MemoryRequestPerItemBytes, m.Limits) is { } refusal)
                End(JobPhase.Failed, refusal);
        });
        Command<Terminated>(m => LoseAgent(m.ActorRef, "agent stopped"));
        Command<Reannounce>(_ => { if (_state.HasWorkToHandOut) Announce(); });
        Command<WatchJob>(_ =>
        {
            // A new or renewed watch hears the status at once; progress follows on the timer while it changes.
            Sender.Tell(Status());
            _watchers.Watch(Sender, _state.Progress, Now());
        });
        Command<PushProgress>(_ => SendProgress());
        Command<CancelJob>(_ =>
        {
            var asker = Sender;
            End(JobPhase.Cancelled, "cancelled by user", () => asker.Tell(Status()));
        });
    }

    private void BecomeEnded()
    {
        Become(Ended);
        if (_state.Finished is { } finished) ActorClusterMetrics.JobState(_jobId, finished.State);
        SetReceiveTimeout(_settings.EndedJobIdleTimeout);
    }

    private void Ended()
    {
        CommandStarted();
        Command<IJobMessage>(_ => Sender.Tell(Status()), m => m is CancelJob or WatchJob);
        // Late messages from agents: tell them the job is over so they drop it.
        Command<IJobMessage>(_ => Sender.Tell(new JobEnded(_jobId, _state.Phase)), m => m is RequestWork or BatchesCompleted { Credits: > 0 });
        Command<ReceiveTimeout>(_ => Passivate());
        Command<object>(_ => { }, m => m is IJobMessage or WorkerNodeLost or WorkerNodeUp or WorkerMemoryLimits or Terminated or Reannounce or PushProgress
            or RecordsWritten);
    }

    /// <summary>What a started job answers alike, running or ended, and the journal's housekeeping.</summary>
    private void CommandStarted()
    {
        Command<StartJob>(_ => Sender.Tell(new JobAccepted(_jobId, _state.ItemsTotal)));
        Command<GetJobStatus>(_ => Sender.Tell(Status()));
        Command<GetManifestChunk>(SendManifestChunk);
        Command<GetJobResults>(SendResults);
        Command<GetJobTimeline>(_ => Sender.Tell(new JobTimelineReply(_jobId, _state.Timeline.View())));
        CommandSnapshotHousekeeping();
    }

    private void Grant(IActorRef agent, int credits, int workers, long maxBatchItems, bool replace)
    {
        var node = NodeKey(agent);
        if (_state.Grant(agent, node, credits, workers, maxBatchItems, replace))
            Context.Watch(agent);
        _state.Timeline.RecordWorkers(node, workers, Now());
    }

    /// <summary>
    /// The first completion of each range is counted in memory at once and journaled as one event per
    /// message. The write is asynchronous so hand-outs never wait on the database: a completion lost in a
    /// crash before its write simply runs again after recovery.
    /// </summary>
    /// <remarks>
    /// A completion with records is journaled only once the records are in the job store (off this thread, in
    /// order): a counted item always has its record, and one whose write was lost in a crash simply runs again.
    /// </remarks>
    private void OnBatchesCompleted(BatchesCompleted completed)
    {
        var (node, nowMicros) = (NodeKey(Sender), Now() * 1000);
        _state.Timeline.RecordWorkers(node, completed.Workers, nowMicros / 1000);
        // An agent that does not say when a batch started (one from before task streams) has it end on arrival.
        var counted = _state.Complete(Sender, node, completed.Workers, completed.Profile,
            completed.Batches.Select(b => new BatchCompletion(b.BatchId, new CountedRange(b.Start, b.Count, b.BusyMicros, b.Partial), RecordsOf(Sender, b),
                b.Worker, b.StartedAtMicros > 0 ? b.StartedAtMicros : nowMicros - b.BusyMicros)).ToList());
        if (counted.Event is { Ranges.Count: > 0 } firsts)
        {
            var tags = new[] { ActorClusterMetrics.Job(_jobId), ActorClusterMetrics.Node(firsts.Node) };
            ActorClusterMetrics.BatchesCompleted.Add(firsts.Ranges.Count, tags);
            ActorClusterMetrics.ItemsCompleted.Add(firsts.Ranges.Sum(r => r.Count), tags);
        }
        foreach (var (batchId, range, error) in counted.Rejected)
            OnBatchFailed(new BatchFailed(_jobId, batchId, range.Start, range.Count, error));
        if (counted.HasWrites)
            Write(counted);
        else if (counted.Event is not null)
            PersistAsync(counted.Event, _ => EventWritten());
        if (_state.IsComplete)
        {
            End(JobPhase.Completed, null);
            return;
        }
        if (completed.Credits > 0)
            Grant(Sender, completed.Credits, completed.Workers, completed.MaxBatchItems, replace: false);
        Dispatch();
    }

    /// <summary>A batch's records, from its completion or from the parts that came ahead of it (an empty block when parts are missing: refused, run again).</summary>
    private byte[]? RecordsOf(IActorRef agent, CompletedBatch batch)
    {
        if (batch.RecordParts == 0) return batch.Records;
        if (!_recordParts.Remove((agent, batch.BatchId), out var parts) || parts.Count != batch.RecordParts) return [];
        _bufferedPartBytes -= parts.Sum(p => (long)p.Length);
        return parts.SelectMany(p => p).ToArray();
    }

    private void OnRecordsPart(BatchRecordsPart part)
    {
        if (_bufferedPartBytes + part.Data.Length > MaxBufferedPartBytes)
        {
            Log.Warning("job {0}: over {1} MB of record parts wait for their batches; batch {2}'s are dropped (it runs again)", _jobId, MaxBufferedPartBytes >> 20, part.BatchId);
            return;
        }
        if (!_recordParts.TryGetValue((Sender, part.BatchId), out var parts)) _recordParts[(Sender, part.BatchId)] = parts = [];
        parts.Add(part.Data);
        _bufferedPartBytes += part.Data.Length;
    }

    /// <summary>Stores a completion's records (and offers them to the cache) after every earlier write, then journals its event.</summary>
    private void Write(CountedCompletion counted)
    {
        _pendingWrites++;
        var (store, jobId, scope, job) = (_store, _jobId, _state.CacheScope, _state.Job as ICacheableWorkloadJob);
        _writes = _writes.ContinueWith(_ =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    store.SaveRecords(jobId, counted.Rows);
                    break;
                }
                catch (Exception) when (attempt < 3)
                {
                    Thread.Sleep(200 * attempt); // a busy SQLite file or a PostgreSQL fail-over: try again shortly
                }
                catch (Exception e)
                {
                    return (object)new RecordsWriteFailed($"cannot store the job's records in the job store: {e.Message.ReplaceLineEndings(" ")}");
                }
            }
            string? warning = null;
            if (scope is not null && job is not null)
            {
                try
                {
                    foreach (var (start, records) in counted.Cacheable) ResultCache.Remember(job, store, scope, start, records);
                }
                catch (Exception e)
                {
                    warning = $"result cache not updated: {e.Message.ReplaceLineEndings(" ")}";
                }
            }
            return new RecordsWritten(counted.Event, warning);
        }, TaskScheduler.Default).PipeTo(Self);
    }

    private void OnRecordsWritten(RecordsWritten written)
    {
        _pendingWrites--;
        if (written.CacheWarning is not null) Log.Warning("job {0}: {1}", _jobId, written.CacheWarning);
        if (written.Event is not null) PersistAsync(written.Event, _ => EventWritten());
        if (_pendingWrites == 0 && _endWhenWritten is { } end)
        {
            _endWhenWritten = null;
            end();
        }
    }

    /// <summary>Chunks of the job's manifest, read from the store off this thread; only chunks the job has.</summary>
    private void SendManifestChunk(GetManifestChunk request)
    {
        var (store, jobId, sender) = (_store, _jobId, Sender);
        if (request.Chunk < 0 || request.Chunk >= (_state.Spec?.ManifestOrNone.Chunks ?? 0))
        {
            sender.Tell(new ManifestChunk(jobId, request.Chunk, []));
            return;
        }
        Task.Run(() => store.ReadManifestChunk(jobId, request.Chunk) ?? [])
            .PipeTo(sender, success: data => new ManifestChunk(jobId, request.Chunk, data), failure: _ => new ManifestChunk(jobId, request.Chunk, []));
    }

    /// <summary>results.jsonl from <see cref="GetJobResults.FromItem"/> on, read from the store off this thread, a few MB per reply.</summary>
    private void SendResults(GetJobResults request)
    {
        var (store, jobId) = (_store, _jobId);
        Task.Run(() =>
        {
            var from = Math.Max(0, request.FromItem);
            var blocks = store.ReadRecords(jobId, from, ResultsReplyChars / 4);
            // Blocks hold whole runs of items, so any block that reaches past `from` gives at least one line.
            if (!blocks.Any(b => b.Start + b.Count > from)) return new JobResults(jobId, request.FromItem, from, true, []);
            var (lines, next) = ResultLines.From(blocks, from, ResultsReplyChars);
            return new JobResults(jobId, request.FromItem, next, false, lines);
        }).PipeTo(Sender);
    }

    private void OnBatchFailed(BatchFailed failed)
    {
        var range = new ItemRange(failed.Start, failed.Count);
        var outcome = _state.Fail(failed.BatchId, range);
        _state.Timeline.RecordFailure(NodeKey(Sender), range.Start, range.Count, failed.Error, outcome == FailureOutcome.WillRetry, Now());
        Log.Warning("job {0}: batch {1} failed on {2}: {3} ({4})", _jobId, range, NodeKey(Sender), failed.Error, outcome);
        if (outcome == FailureOutcome.GaveUp)
            End(JobPhase.Failed, $"items {range} failed {_settings.MaxAttemptsPerBatch} times; last error: {failed.Error}");
        else
            Redistribute();
    }

    private void LoseAgent(IActorRef agent, string why)
    {
        foreach (var key in _recordParts.Keys.Where(k => k.Agent.Equals(agent)).ToList())
            if (_recordParts.Remove(key, out var parts))
                _bufferedPartBytes -= parts.Sum(p => (long)p.Length);
        if (_state.RemoveAgent(agent) is not { } returned) return;
        foreach (var range in returned)
            _state.Timeline.RecordFailure(NodeKey(agent), range.Start, range.Count, $"node lost ({why}): handed out again", willRetry: true, Now());
        Context.Unwatch(agent);
        Log.Info("job {0}: agent {1} lost ({2}); {3} batches go back to be handed out again", _jobId, agent.Path, why, returned.Count);
        Redistribute();
    }

    /// <summary>Hands out what the credits allow, one message per agent; agents whose credits cannot be used now get them back.</summary>
    private void Dispatch()
    {
        var handOuts = _state.Dispatch();
        if (handOuts.Count > 0) ActorClusterMetrics.BatchesHandedOut.Add(handOuts.Count);
        foreach (var forAgent in handOuts.GroupBy(h => h.Agent))
            forAgent.Key.Tell(new WorkBatches(_jobId, forAgent.Select(h => new BatchAssignment(h.BatchId, h.Range.Start, h.Range.Count)).ToArray()));
        foreach (var (agent, unused) in _state.TakeBackUnusedCredits())
            agent.Tell(new NoWorkNow(_jobId, unused));
    }

    /// <summary>Work came back (failed, returned or lost): hand it out, and announce what is left so agents without credits ask again.</summary>
    private void Redistribute()
    {
        Dispatch();
        if (_state.HasWorkToHandOut) Announce();
    }

    /// <summary>
    /// Every worker node refuses a job whose items each need more memory than the node may use, silently (it only logs
    /// why); so the coordinator judges the nodes that are up by the limits their roles advertise, and fails the job they
    /// would all refuse instead of leaving it running with no one to run it. Nodes that join later are not waited for.
    /// </summary>
    private void AskWorkerMemoryLimits() => _directory.Tell(new GetWorkerMemoryLimits(_state.Requires));

    private void Announce() => _directory.Tell(new AnnounceToAgents(JobAvailableMessage(), Requires: _state.Requires));

    private JobAvailable JobAvailableMessage() => new(_jobId, _state.Spec!.Workload, _state.Spec.Args, Self, _state.Spec.Manifest);

    /// <summary>Ends the job once every record write in flight is done, so the final snapshot never counts an item whose record is not stored.</summary>
    private void End(JobPhase phase, string? error, Action? then = null)
    {
        if (_pendingWrites > 0)
        {
            _endWhenWritten ??= () => End(phase, error, then);
            return;
        }
        Timers.CancelAll();
        Persist(_state.Finish(phase, error, Now()), e =>
        {
            _state.Apply(e);
            // Every agent hears it once: those that worked on the job directly, the other worker nodes' through the directory.
            var ended = new JobEnded(_jobId, phase);
            foreach (var agent in _state.Agents)
                agent.Tell(ended);
            _directory.Tell(new AnnounceToAgents(ended, Except: _state.Agents.Select(AddressOf).ToHashSet()));
            Log.Info("job {0}: {1} after {2} ms, {3}/{4} items{5}", _jobId, phase, e.DurationMs,
                _state.ItemsCompleted, _state.ItemsTotal, error is null ? "" : $" ({error})");
            SaveSnapshot(TakeSnapshot());
            BecomeEnded();
            var final = Status();
            _watchers.TakeAll().ForEach(watcher => watcher.Tell(final));
            then?.Invoke();
        });
    }

    private void SendProgress()
    {
        var due = _watchers.DueFor(_state.Progress, Now());
        if (due.Count == 0) return;
        var status = Status();
        due.ForEach(watcher => watcher.Tell(status));
    }

    private JobStatus Status() =>
        new(_jobId, _state.Spec!.Workload, _state.Phase, _state.ItemsTotal, _state.ItemsCompleted, _state.BatchesCounted,
            _state.ElapsedMs(Now()), _state.ActiveNodes, _state.ItemsExecutedMoreThanOnce, _state.Tallies(), _state.ResultJson,
            _state.Finished?.Error, _state.Spec.Args, _state.ItemsFromCache, _state.ItemsFailed);

    protected override object TakeSnapshot() => _state.Snapshot();

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private Address AddressOf(IActorRef agent) => agent.Path.Address.HasLocalScope ? _selfAddress : agent.Path.Address;

    private string NodeKey(IActorRef agent) => AddressOf(agent).ToString();
}
