using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Jobs;

/// <summary>
/// Runs one job: hands batches to node agents only against their credits, takes back the batches of
/// agents that are lost, and tells whoever watches the job how it goes. It journals the job's spec, the
/// batches counted from each completion message and the job's end, so it resumes on another node or after
/// a whole-cluster restart without redoing finished work. What it computes lives in
/// <see cref="JobState{TAgent}"/>; this actor persists, runs timers and sends.
/// </summary>
public sealed class JobCoordinator : SnapshottingEntity, IWithTimers
{
    public const string PersistenceIdPrefix = "job-";
    private const string ReannounceTimer = "reannounce";
    private const string ProgressTimer = "progress";

    private readonly string _jobId;
    private readonly IActorRef _directory;
    private readonly CoordinatorSettings _settings;
    private readonly Address _selfAddress;
    private readonly JobState<IActorRef> _state;
    private readonly JobWatchers<IActorRef> _watchers;
    private IActorRef? _submitter;

    public ITimerScheduler Timers { get; set; } = null!;

    public override string PersistenceId { get; }

    public JobCoordinator(string jobId, WorkloadRegistry registry, IActorRef directory, CoordinatorSettings settings)
        : base(settings.SnapshotEvery)
    {
        _jobId = jobId;
        _directory = directory;
        _settings = settings;
        PersistenceId = PersistenceIdPrefix + jobId;
        _selfAddress = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress;
        _state = new JobState<IActorRef>(registry, settings.BatchSizing, settings.MaxAttemptsPerBatch);
        _watchers = new JobWatchers<IActorRef>(settings.WatchLease);

        Recover<JobStarted>(_state.Apply);
        Recover<BatchesCounted>(_state.Apply);
        Recover<JobFinished>(_state.Apply);
        Recover<SnapshotOffer>(offer => _state.Load((JobSnapshot)offer.Snapshot));
        Recover<RecoveryCompleted>(_ => AfterRecovery());
    }

    public static Props Props(string jobId, WorkloadRegistry registry, IActorRef directory, CoordinatorSettings settings) =>
        Akka.Actor.Props.Create(() => new JobCoordinator(jobId, registry, directory, settings));

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
        Command<IJobMessage>(m => { Sender.Tell(new JobNotFound(m.JobId)); Passivate(); }, m => m is GetJobStatus or CancelJob or WatchJob);
        Command<ResumeJob>(_ => Passivate());
        // Credits on a completion ask for work as a RequestWork does: the agent must hear that there is none.
        Command<RequestWork>(_ => Sender.Tell(new JobEnded(_jobId, JobPhase.Cancelled)));
        Command<BatchesCompleted>(m => { if (m.Credits > 0) Sender.Tell(new JobEnded(_jobId, JobPhase.Cancelled)); });
    }

    private void Start(StartJob start)
    {
        if (!_state.TryAccept(_jobId, start.Workload, start.Args, Now(), out var started, out var reason))
        {
            Sender.Tell(new JobRejected(reason));
            Passivate();
            return;
        }
        var submitter = _submitter = Sender;
        Persist(started, e =>
        {
            _state.Apply(e);
            submitter.Tell(new JobAccepted(_jobId, e.ItemsTotal));
            Log.Info("job {0}: {1} {2} started, {3} items", _jobId, e.Workload, string.Join(' ', e.Args), e.ItemsTotal);
            StartRunning();
        });
    }

    private void StartRunning()
    {
        Become(Running);
        if (_state.IsComplete)
        {
            End(JobPhase.Completed, null);
            return;
        }
        _directory.Tell(new WatchWorkerNodes(Self));
        Announce();
        Timers.StartPeriodicTimer(ReannounceTimer, Reannounce.Instance, _settings.ReannounceInterval);
        Timers.StartPeriodicTimer(ProgressTimer, PushProgress.Instance, _settings.ProgressInterval);
    }

    private void Running()
    {
        CommandStarted();
        Command<ResumeJob>(_ => { });
        Command<RequestWork>(m => { Grant(Sender, m.Credits, m.Workers, m.MaxBatchItems, m.Resync); Dispatch(); });
        Command<BatchesCompleted>(OnBatchesCompleted);
        Command<BatchFailed>(OnBatchFailed);
        Command<ReturnBatches>(m =>
        {
            // A leaving node hands back what it has not started; what runs there still completes, or comes back when the node is removed.
            Log.Info("job {0}: {1} batches handed back by {2} (leaving)", _jobId, _state.Return(Sender, m.BatchIds), NodeKey(Sender));
            Redistribute();
        });
        Command<WorkerNodeLost>(m => _state.AgentsOn(m.Node.ToString()).ForEach(agent => LoseAgent(agent, m.Why)));
        Command<WorkerNodeUp>(m => _directory.Tell(new AnnounceToAgents(JobAvailableMessage(), m.Node, Requires: _state.Requires)));
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
        SetReceiveTimeout(_settings.EndedJobIdleTimeout);
    }

    private void Ended()
    {
        CommandStarted();
        Command<IJobMessage>(_ => Sender.Tell(Status()), m => m is CancelJob or WatchJob);
        // Late messages from agents: tell them the job is over so they drop it.
        Command<IJobMessage>(_ => Sender.Tell(new JobEnded(_jobId, _state.Phase)), m => m is RequestWork or BatchesCompleted { Credits: > 0 });
        Command<ReceiveTimeout>(_ => Passivate());
        Command<object>(_ => { }, m => m is IJobMessage or WorkerNodeLost or WorkerNodeUp or Terminated or Reannounce or PushProgress);
    }

    /// <summary>What a started job answers alike, running or ended, and the journal's housekeeping.</summary>
    private void CommandStarted()
    {
        Command<StartJob>(_ => Sender.Tell(new JobAccepted(_jobId, _state.ItemsTotal)));
        Command<GetJobStatus>(_ => Sender.Tell(Status()));
        CommandSnapshotHousekeeping();
    }

    private void Grant(IActorRef agent, int credits, int workers, long maxBatchItems, bool replace)
    {
        if (_state.Grant(agent, NodeKey(agent), credits, workers, maxBatchItems, replace))
            Context.Watch(agent);
    }

    /// <summary>
    /// The first completion of each range is counted in memory at once and journaled as one event per
    /// message. The write is asynchronous so hand-outs never wait on the database: a completion lost in a
    /// crash before its write simply runs again after recovery.
    /// </summary>
    private void OnBatchesCompleted(BatchesCompleted completed)
    {
        var counted = _state.Complete(Sender, NodeKey(Sender), completed.Workers, completed.Profile,
            completed.Batches.Select(b => (b.BatchId, new CountedRange(b.Start, b.Count, b.BusyMicros, b.Partial))));
        if (counted is not null)
            PersistAsync(counted, _ => EventWritten());
        if (_state.IsComplete)
        {
            End(JobPhase.Completed, null);
            return;
        }
        if (completed.Credits > 0)
            Grant(Sender, completed.Credits, completed.Workers, completed.MaxBatchItems, replace: false);
        Dispatch();
    }

    private void OnBatchFailed(BatchFailed failed)
    {
        var range = new ItemRange(failed.Start, failed.Count);
        var outcome = _state.Fail(failed.BatchId, range);
        Log.Warning("job {0}: batch {1} failed on {2}: {3} ({4})", _jobId, range, NodeKey(Sender), failed.Error, outcome);
        if (outcome == FailureOutcome.GaveUp)
            End(JobPhase.Failed, $"items {range} failed {_settings.MaxAttemptsPerBatch} times; last error: {failed.Error}");
        else
            Redistribute();
    }

    private void LoseAgent(IActorRef agent, string why)
    {
        if (_state.RemoveAgent(agent) is not { } returned) return;
        Context.Unwatch(agent);
        Log.Info("job {0}: agent {1} lost ({2}); {3} batches go back to be handed out again", _jobId, agent.Path, why, returned.Count);
        Redistribute();
    }

    /// <summary>Hands out what the credits allow, one message per agent; agents whose credits cannot be used now get them back.</summary>
    private void Dispatch()
    {
        foreach (var forAgent in _state.Dispatch().GroupBy(h => h.Agent))
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

    private void Announce() => _directory.Tell(new AnnounceToAgents(JobAvailableMessage(), Requires: _state.Requires));

    private JobAvailable JobAvailableMessage() => new(_jobId, _state.Spec!.Workload, _state.Spec.Args, Self);

    private void End(JobPhase phase, string? error, Action? then = null)
    {
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
            _state.Finished?.Error, _state.Spec.Args);

    protected override object TakeSnapshot() => _state.Snapshot();

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private Address AddressOf(IActorRef agent) => agent.Path.Address.HasLocalScope ? _selfAddress : agent.Path.Address;

    private string NodeKey(IActorRef agent) => AddressOf(agent).ToString();
}
