using Akka.Actor;
using Akka.Event;
using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;
using ActorCluster.Core.Profiling;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Agents;

/// <summary>
/// One per node: pulls batches from every running job's coordinator and runs them on the node's worker
/// pool. It asks for at most (workers + prefetch) batches at a time across all jobs, so a busy or
/// small node simply asks less. Prefetched batches wait here, not in a worker's mailbox, and go to the
/// first worker that becomes idle: no batch ever queues behind a long one while another worker idles.
/// With a profiler (<see cref="NodeAgentSettings.Planner"/>) each job gets its own plan from its kind:
/// jobs under one policy share that policy's pool, jobs under different policies add up, and a job never
/// runs more batches at once than its plan allows. Resource samples drive a memory-pressure governor
/// that shrinks the pool, grows it back, or stops asking for work; in-flight batches always finish.
/// Reports are coalesced: completions wait in the agent until the messages already in its mailbox are
/// handled, then each job's coordinator gets one <see cref="BatchesCompleted"/> with every batch that
/// finished meanwhile and the credits they freed (drain, then send). When batches are short, a worker
/// gets a few of one job at once, so neither side pays a message and a thread wake-up per batch.
/// </summary>
public sealed class NodeAgent : ReceiveActor, IWithTimers
{
    private readonly WorkloadRegistry _registry;
    private readonly NodeAgentSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, ActiveJob> _jobs = [];
    private readonly Queue<PendingBatch> _queue = new();
    private readonly Stack<IActorRef> _idleWorkers = new();
    private readonly HashSet<IActorRef> _workers = [];
    private readonly Dictionary<IActorRef, RunningGroup> _running = [];
    private readonly MemoryPressureGovernor _governor;
    private int _targetWorkers;
    private int? _pinnedWorkers;
    private IActorRef? _leaving;
    private int _nextJobForCredits;
    private ResourceSnapshot? _lastSnapshot;
    private bool _reportScheduled;

    /// <summary>Batches measured to take less than this are handed to a worker in groups.</summary>
    private const double ShortBatchMicros = 1000;

    /// <summary>The most batches in one group: bounds what waits behind a batch that turns out long.</summary>
    private const int MaxGroup = 32;

    public ITimerScheduler Timers { get; set; } = null!;

    public NodeAgent(WorkloadRegistry registry, NodeAgentSettings settings)
    {
        _registry = registry;
        _settings = settings;
        _targetWorkers = Math.Max(1, settings.Workers);
        _governor = new MemoryPressureGovernor(settings.Pressure);

        Receive<JobAvailable>(OnJobAvailable);
        Receive<WorkBatches>(OnWorkBatches);
        Receive<NoWorkNow>(OnNoWorkNow);
        Receive<BatchWorker.BatchesRan>(OnBatchesRan);
        Receive<SendReports>(_ =>
        {
            _reportScheduled = false;
            Report();
        });
        Receive<JobEnded>(m => DropJob(m.JobId, $"job {m.State}"));
        Receive<Terminated>(OnTerminated);
        Receive<ResyncTick>(_ => Resync());
        Receive<SetWorkerCount>(m =>
        {
            _pinnedWorkers = Math.Max(1, m.Workers);
            Retarget($"pinned to {_pinnedWorkers} workers");
            Sender.Tell(Snapshot());
        });
        Receive<ResourceSampler.Sampled>(m => OnSampled(m.Snapshot));
        Receive<ReleaseWorkerPin>(_ =>
        {
            // Back to what the profiler plans for the running jobs (or the start-up override).
            _pinnedWorkers = null;
            Retarget("pin released: back to the profiler's plan");
            Sender.Tell(Snapshot());
        });
        Receive<GetAgentState>(_ => Sender.Tell(Snapshot()));
        Receive<Leave>(_ => OnLeave());
    }

    public static Props Props(WorkloadRegistry registry, NodeAgentSettings settings) =>
        Akka.Actor.Props.Create(() => new NodeAgent(registry, settings));

    private int Capacity => _targetWorkers + _settings.Prefetch;

    protected override void PreStart()
    {
        ResizePool();
        Timers.StartPeriodicTimer("resync", ResyncTick.Instance, TimeSpan.FromSeconds(1));
        if (_settings.Sample is { } sample)
            Context.ActorOf(ResourceSampler.Props(Self, sample, _settings.SampleInterval), "resource-sampler");
    }

    private void OnJobAvailable(JobAvailable available)
    {
        if (_jobs.TryGetValue(available.JobId, out var known))
        {
            if (!known.Coordinator.Equals(available.Coordinator))
            {
                // The coordinator moved (it was restarted on another node): start over with the new one.
                Context.Unwatch(known.Coordinator);
                known.Coordinator = available.Coordinator;
                known.Outstanding = 0;
                Context.Watch(known.Coordinator);
            }
            known.Drained = false;
            ScheduleReport();
            return;
        }

        IWorkloadJob job;
        try
        {
            job = _registry.Prepare(available.Workload, available.Args);
        }
        catch (WorkloadArgumentException e)
        {
            _log.Warning("cannot run job {0} on this node: {1}", available.JobId, e.Message);
            return;
        }
        var plan = PlanFor(job);
        _jobs[available.JobId] = new ActiveJob(available.JobId, available.Coordinator, job, plan);
        Context.Watch(available.Coordinator);
        _log.Info("job {0}: {1} workers, {2}", available.JobId, plan.PoolSize, plan.Reason);
        Retarget($"job {available.JobId} started");
    }

    private void OnWorkBatches(WorkBatches work)
    {
        if (!_jobs.TryGetValue(work.JobId, out var job))
            return; // the job ended meanwhile; its coordinator no longer counts on these batches
        job.Outstanding = Math.Max(0, job.Outstanding - work.Batches.Count);
        job.LastHeard = DateTime.UtcNow;
        foreach (var batch in work.Batches)
            _queue.Enqueue(new PendingBatch(job, batch.BatchId, new ItemRange(batch.Start, batch.Count)));
        RunQueued();
    }

    private void OnNoWorkNow(NoWorkNow message)
    {
        if (!_jobs.TryGetValue(message.JobId, out var job)) return;
        job.Outstanding = Math.Max(0, job.Outstanding - message.ReturnedCredits);
        job.LastHeard = DateTime.UtcNow;
        job.Drained = true;
        ScheduleReport();
    }

    private void OnBatchesRan(BatchWorker.BatchesRan ran)
    {
        _running.Remove(Sender);
        if (_workers.Contains(Sender))
        {
            if (_workers.Count > _targetWorkers)
                RetireWorker(Sender);
            else
                _idleWorkers.Push(Sender);
        }

        if (_jobs.TryGetValue(ran.JobId, out var job))
        {
            foreach (var result in ran.Results)
            {
                if (result.Cancelled) continue;
                job.BatchesRun++;
                job.ObserveBatch(result.BusyMicros);
                if (result.Error is null)
                    job.Finished.Add(new CompletedBatch(result.BatchId, result.Range.Start, result.Range.Count, result.BusyMicros, result.Partial ?? []));
                else
                    job.Coordinator.Tell(new BatchFailed(ran.JobId, result.BatchId, result.Range.Start, result.Range.Count, result.Error));
            }
        }
        RunQueued();
        if (_leaving is not null && _running.Count == 0)
        {
            Report(); // the last completions go out before the node says it has left
            FinishLeaving();
        }
        else
            ScheduleReport();
    }

    /// <summary>
    /// The node is leaving the cluster gracefully: hand back every batch not yet started, ask for nothing
    /// more, let running batches finish (their completions still count), then answer <see cref="Left"/>.
    /// </summary>
    private void OnLeave()
    {
        _leaving = Sender;
        Report(); // completions waiting to be reported go out now; no credits are asked for any more
        foreach (var group in _queue.GroupBy(b => b.Job))
            group.Key.Coordinator.Tell(new ReturnBatches(group.Key.JobId, group.Select(b => b.BatchId).ToList()));
        _log.Info("leaving: handed back {0} queued batches, waiting for {1} running ones", _queue.Count, _running.Count);
        _queue.Clear();
        if (_running.Count == 0)
            FinishLeaving();
    }

    private void FinishLeaving()
    {
        _leaving?.Tell(Left.Instance);
        _leaving = ActorRefs.Nobody; // stay in leaving mode; Nobody swallows any later answer
    }

    private void OnTerminated(Terminated terminated)
    {
        foreach (var job in _jobs.Values.Where(j => j.Coordinator.Equals(terminated.ActorRef)).ToList())
            DropJob(job.JobId, "coordinator stopped");
    }

    private void DropJob(string jobId, string why)
    {
        if (!_jobs.Remove(jobId, out var job)) return;
        job.Cancellation.Cancel();
        Context.Unwatch(job.Coordinator);
        if (_queue.Count > 0)
        {
            var keep = _queue.Where(b => b.Job.JobId != jobId).ToList();
            _queue.Clear();
            foreach (var b in keep) _queue.Enqueue(b);
        }
        _log.Debug("dropped job {0}: {1}", jobId, why);
        Retarget($"job {jobId} ended");
    }

    private void RunQueued()
    {
        while (_idleWorkers.Count > 0 && _queue.Count > 0)
        {
            // The first queued batch whose job is below its own limit; the others keep their order.
            PendingBatch? runnable = null;
            for (var i = _queue.Count; i > 0; i--)
            {
                var candidate = _queue.Dequeue();
                if (!_jobs.ContainsKey(candidate.Job.JobId)) continue;
                if (runnable is null && RunningFor(candidate.Job) < JobLimit(candidate.Job)) runnable = candidate;
                else _queue.Enqueue(candidate);
            }
            if (runnable is not { } next) break;
            var batches = GroupWith(next);
            var worker = _idleWorkers.Pop();
            _running[worker] = new RunningGroup(next.Job.JobId, batches.Count);
            worker.Tell(new BatchWorker.RunBatches(next.Job.JobId, batches, next.Job.Job, next.Job.Cancellation.Token));
        }
    }

    /// <summary>
    /// The batches a worker runs in one go: just <paramref name="first"/>, unless its job's batches are
    /// measured to be short. Then a fair share of that job's queued batches (split over the idle workers)
    /// goes along, bounded so the group still takes about a millisecond at most.
    /// </summary>
    private List<BatchWorker.BatchToRun> GroupWith(PendingBatch first)
    {
        var batches = new List<BatchWorker.BatchToRun> { new(first.BatchId, first.Range) };
        if (first.Job.MeanBatchMicros is not { } mean || mean >= ShortBatchMicros) return batches;
        var sameJob = QueuedFor(first.Job);
        if (sameJob == 0) return batches;
        // The job's batches (this one and the queued ones) over the idle workers (this worker included), rounded up.
        var fairShare = (sameJob + _idleWorkers.Count) / _idleWorkers.Count;
        var budget = (int)Math.Min(MaxGroup, Math.Max(1, ShortBatchMicros / Math.Max(mean, 1)));
        var take = Math.Min(fairShare, budget) - 1;
        // One full turn of the queue, so the batches left keep their order.
        for (var i = _queue.Count; i > 0; i--)
        {
            var candidate = _queue.Dequeue();
            if (take > 0 && candidate.Job == first.Job)
            {
                batches.Add(new BatchWorker.BatchToRun(candidate.BatchId, candidate.Range));
                take--;
            }
            else
                _queue.Enqueue(candidate);
        }
        return batches;
    }

    /// <summary>
    /// Asks for one <see cref="Report"/> after the messages already in the mailbox are handled: every
    /// completion and freed credit that arrives meanwhile rides along in the same message.
    /// </summary>
    private void ScheduleReport()
    {
        if (_reportScheduled) return;
        _reportScheduled = true;
        Self.Tell(SendReports.Instance);
    }

    /// <summary>
    /// Tells each job's coordinator what finished since the last report and how many more batches this
    /// node can take (<see cref="BatchesCompleted"/>), or only the credits (<see cref="RequestWork"/>).
    /// </summary>
    private void Report()
    {
        var grants = GrantCredits();
        foreach (var job in _jobs.Values)
        {
            var credits = grants.GetValueOrDefault(job);
            if (job.Finished.Count > 0)
            {
                job.Coordinator.Tell(new BatchesCompleted(job.JobId, job.Finished.ToArray(), credits, _targetWorkers, ProfileToSend(job), job.Plan.ChunkSize ?? 0));
                job.Finished.Clear();
            }
            else if (credits > 0)
                job.Coordinator.Tell(new RequestWork(job.JobId, credits, _targetWorkers, Resync: false, job.Plan.ChunkSize ?? 0));
        }
    }

    /// <summary>Spreads the free capacity over the jobs that have work, round-robin, each up to its own limit.</summary>
    private Dictionary<ActiveJob, int> GrantCredits()
    {
        var grants = new Dictionary<ActiveJob, int>();
        if (_governor.Paused) return grants; // memory is nearly full: take nothing new until it recovers
        if (_leaving is not null) return grants; // the node is leaving: it takes nothing new
        var free = Capacity - _queue.Count - _running.Values.Sum(g => g.Batches) - _jobs.Values.Sum(j => j.Outstanding);
        var eligible = _jobs.Values.Where(j => !j.Drained).ToList();
        if (free <= 0 || eligible.Count == 0) return grants;

        var room = eligible.Select(j => JobLimit(j) + _settings.Prefetch - QueuedFor(j) - RunningBatchesFor(j) - j.Outstanding).ToArray();
        var turn = 0;
        for (var full = 0; free > 0 && full < eligible.Count; turn++)
        {
            var i = (_nextJobForCredits + turn) % eligible.Count;
            if (room[i] <= 0) { full++; continue; }
            full = 0;
            grants[eligible[i]] = grants.GetValueOrDefault(eligible[i]) + 1;
            room[i]--;
            free--;
        }
        _nextJobForCredits = (_nextJobForCredits + turn) % eligible.Count;

        foreach (var (job, credits) in grants)
        {
            if (job.Outstanding == 0) job.LastHeard = DateTime.UtcNow;
            job.Outstanding += credits;
        }
        return grants;
    }

    /// <summary>
    /// Credits asked for but never answered (a lost message, a coordinator that forgot us after thinking
    /// this node was lost) would shrink this node's capacity forever; re-state them as absolute.
    /// </summary>
    private void Resync()
    {
        var now = DateTime.UtcNow;
        foreach (var job in _jobs.Values)
        {
            if (job.Outstanding <= 0 || now - job.LastHeard < _settings.ResyncAfter) continue;
            job.LastHeard = now;
            job.Coordinator.Tell(new RequestWork(job.JobId, job.Outstanding, _targetWorkers, Resync: true, job.Plan.ChunkSize ?? 0));
        }
    }

    /// <summary>The plan for a job: the profiler's for its kind, or the fixed pool when the node has no profiler.</summary>
    private WorkerPlan PlanFor(IWorkloadJob job)
    {
        var fixedPlan = new WorkerPlan(Math.Max(1, _settings.Workers), "fixed", _settings.PlanReason is { Length: > 0 } r ? r : $"{_settings.Workers} workers");
        if (_settings.Planner is not { } planner) return fixedPlan;
        // A job can arrive before the sampler's first snapshot: take one now rather than plan blind.
        if (_lastSnapshot is null && _settings.Sample is { } sample)
            _lastSnapshot = planner.Apply(sample());
        return _lastSnapshot is { } snapshot ? planner.PlanFor(snapshot, new WorkloadTraits(job.Kind, job.MemoryPerItemBytes)) : fixedPlan;
    }

    /// <summary>
    /// What the plans ask for: jobs under one policy share its pool (two CPU-bound jobs must not
    /// oversubscribe the cores), jobs under different policies use different resources and add up.
    /// </summary>
    private int PlannedWorkers() =>
        _pinnedWorkers ?? (_jobs.Count == 0
            ? Math.Max(1, _settings.Workers)
            : _jobs.Values.GroupBy(j => j.Plan.Policy).Sum(g => g.Max(j => j.Plan.PoolSize)));

    private int JobLimit(ActiveJob job) => Math.Min(_pinnedWorkers ?? job.Plan.PoolSize, _targetWorkers);

    /// <summary>Workers busy with the job (the job's concurrency, which its plan limits).</summary>
    private int RunningFor(ActiveJob job) => _running.Values.Count(g => g.JobId == job.JobId);

    /// <summary>Batches of the job the workers hold now (a group counts each of its batches).</summary>
    private int RunningBatchesFor(ActiveJob job) => _running.Values.Where(g => g.JobId == job.JobId).Sum(g => g.Batches);

    private int QueuedFor(ActiveJob job) => _queue.Count(b => b.Job == job);

    /// <summary>Applies plans and memory pressure to the pool; fewer workers means fewer credits asked for at once.</summary>
    private void Retarget(string why)
    {
        var target = _governor.Limit(PlannedWorkers());
        if (target != _targetWorkers)
        {
            _log.Info("pool {0} -> {1} workers: {2}", _targetWorkers, target, why);
            _targetWorkers = target;
            ResizePool();
        }
        ScheduleReport();
    }

    private void OnSampled(ResourceSnapshot sampled)
    {
        var snapshot = _settings.Planner?.Apply(sampled) ?? sampled;
        _lastSnapshot = snapshot;
        foreach (var job in _jobs.Values)
            job.Observe(snapshot);
        var memoryPerWorker = _jobs.Values.Select(j => j.Job.MemoryPerItemBytes).DefaultIfEmpty(0).Max();
        var events = _governor.Observe(snapshot.MemoryUse, PlannedWorkers(), memoryPerWorker);
        foreach (var e in events)
        {
            _log.Warning("memory pressure: {0} {1}", e.Action.ToString().ToLowerInvariant(), e.Reason);
            var resize = new PoolResize(snapshot.TakenAt.ToUnixTimeMilliseconds(), e.Action.ToString().ToLowerInvariant(), e.FromWorkers, e.ToWorkers, e.MemoryFraction, e.Reason);
            foreach (var job in _jobs.Values)
                job.Resizes.Add(resize);
        }
        Retarget(events.Count > 0 ? events[^1].Reason : "resource sample");
    }

    /// <summary>The job's profile when it changed since the last one sent, so the coordinator gets it without a message of its own.</summary>
    private NodeJobUsage? ProfileToSend(ActiveJob job)
    {
        if (_settings.Planner is null || job.ProfileVersion == job.ProfileVersionSent) return null;
        job.ProfileVersionSent = job.ProfileVersion;
        return new NodeJobUsage(job.Plan.Policy, JobLimit(job), job.Plan.Reason, job.PeakRssBytes,
            job.CpuSamples == 0 ? 0 : Math.Round(job.CpuPercentSum / job.CpuSamples, 1), job.Resizes.ToList());
    }

    private void ResizePool()
    {
        while (_workers.Count < _targetWorkers)
        {
            var worker = Context.ActorOf(Akka.Actor.Props.Create<BatchWorker>().WithDispatcher(_settings.WorkerDispatcher), $"worker-{Guid.NewGuid():N}"[..15]);
            _workers.Add(worker);
            _idleWorkers.Push(worker);
        }
        // Shrink with idle workers first; busy ones retire when their batch is done.
        while (_workers.Count > _targetWorkers && _idleWorkers.Count > 0)
            RetireWorker(_idleWorkers.Pop());
        RunQueued();
    }

    private void RetireWorker(IActorRef worker)
    {
        _workers.Remove(worker);
        Context.Stop(worker);
    }

    private AgentState Snapshot() =>
        new(_targetWorkers, _workers.Count, _running.Count, _queue.Count, _jobs.Values.Sum(j => j.Outstanding),
            _jobs.Values.Select(j => new AgentJobState(j.JobId, j.Outstanding, j.Drained, j.BatchesRun, j.Plan.Policy, JobLimit(j), j.Plan.Reason)).ToList(),
            _governor.Paused);

    private sealed class ActiveJob(string jobId, IActorRef coordinator, IWorkloadJob job, WorkerPlan plan)
    {
        public WorkerPlan Plan { get; } = plan;
        public long PeakRssBytes { get; private set; }
        public double CpuPercentSum { get; private set; }
        public int CpuSamples { get; private set; }
        public List<PoolResize> Resizes { get; } = [];
        public int ProfileVersion { get; set; } = 1;
        public int ProfileVersionSent { get; set; }

        public void Observe(ResourceSnapshot snapshot)
        {
            PeakRssBytes = Math.Max(PeakRssBytes, snapshot.ProcessRssBytes);
            if (snapshot.ProcessCpuFraction is { } cpu)
            {
                CpuPercentSum += cpu * 100;
                CpuSamples++;
            }
            ProfileVersion++;
        }

        public string JobId { get; } = jobId;
        public IActorRef Coordinator { get; set; } = coordinator;
        public IWorkloadJob Job { get; } = job;
        public CancellationTokenSource Cancellation { get; } = new();
        public int Outstanding { get; set; }
        public bool Drained { get; set; }
        public DateTime LastHeard { get; set; } = DateTime.UtcNow;
        public long BatchesRun { get; set; }

        /// <summary>Completions not yet reported to the coordinator.</summary>
        public List<CompletedBatch> Finished { get; } = [];

        /// <summary>Smoothed time one batch of this job takes here; null before the first one ran.</summary>
        public double? MeanBatchMicros { get; private set; }

        public void ObserveBatch(long busyMicros) =>
            MeanBatchMicros = MeanBatchMicros is { } mean ? mean + 0.3 * (busyMicros - mean) : busyMicros;
    }

    /// <summary>What one busy worker holds: batches of one job.</summary>
    private readonly record struct RunningGroup(string JobId, int Batches);

    private sealed class SendReports : INoSerializationVerificationNeeded
    {
        public static readonly SendReports Instance = new();
    }

    private readonly record struct PendingBatch(ActiveJob Job, long BatchId, ItemRange Range);

    private sealed class ResyncTick : INoSerializationVerificationNeeded
    {
        public static readonly ResyncTick Instance = new();
    }

    /// <summary>Pins or changes the pool size at run time; credits follow at once.</summary>
    public sealed record SetWorkerCount(int Workers) : INoSerializationVerificationNeeded;

    /// <summary>Undoes <see cref="SetWorkerCount"/>: the pool returns to its planned size; answered with <see cref="AgentState"/>.</summary>
    public sealed record ReleaseWorkerPin : INoSerializationVerificationNeeded;

    public sealed record GetAgentState : INoSerializationVerificationNeeded;

    /// <summary>Sent by coordinated shutdown before the node leaves the cluster; answered with <see cref="Left"/>.</summary>
    public sealed class Leave : INoSerializationVerificationNeeded
    {
        public static readonly Leave Instance = new();
    }

    public sealed class Left : INoSerializationVerificationNeeded
    {
        public static readonly Left Instance = new();
    }

    /// <param name="Paused">True while memory pressure keeps the agent from asking for work.</param>
    public sealed record AgentState(int TargetWorkers, int Workers, int Running, int Queued, int Outstanding, IReadOnlyList<AgentJobState> Jobs, bool Paused = false) : INoSerializationVerificationNeeded;

    /// <param name="Policy">The profiler policy that planned this job, <c>fixed</c> without a profiler.</param>
    /// <param name="Limit">Most batches of this job running at once now.</param>
    public sealed record AgentJobState(string JobId, int Outstanding, bool Drained, long BatchesRun, string Policy = "", int Limit = 0, string Reason = "");
}
