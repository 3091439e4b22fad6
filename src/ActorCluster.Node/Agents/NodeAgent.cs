using Akka.Actor;
using Akka.Event;
using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;
using ActorCluster.Node.Protocol;

namespace ActorCluster.Node.Agents;

/// <summary>
/// One per node: pulls batches from every running job's coordinator and runs them on the node's worker
/// pool. It asks for at most (workers + prefetch) batches at a time across all jobs, so a busy or
/// small node simply asks less. Prefetched batches wait here, not in a worker's mailbox, and go to the
/// first worker that becomes idle: no batch ever queues behind a long one while another worker idles.
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
    private readonly Dictionary<IActorRef, string> _running = [];
    private int _targetWorkers;
    private int _nextJobForCredits;

    public ITimerScheduler Timers { get; set; } = null!;

    public NodeAgent(WorkloadRegistry registry, NodeAgentSettings settings)
    {
        _registry = registry;
        _settings = settings;
        _targetWorkers = Math.Max(1, settings.Workers);

        Receive<JobAvailable>(OnJobAvailable);
        Receive<WorkBatch>(OnWorkBatch);
        Receive<NoWorkNow>(OnNoWorkNow);
        Receive<BatchWorker.BatchRan>(OnBatchRan);
        Receive<JobEnded>(m => DropJob(m.JobId, $"job {m.State}"));
        Receive<Terminated>(OnTerminated);
        Receive<ResyncTick>(_ => Resync());
        Receive<SetWorkerCount>(m =>
        {
            _targetWorkers = Math.Max(1, m.Workers);
            ResizePool();
            Sender.Tell(Snapshot());
            RequestCredits();
        });
        Receive<ReleaseWorkerPin>(_ =>
        {
            // Back to the pool size the node started with (the profiler's plan or the start-up override).
            _targetWorkers = Math.Max(1, _settings.Workers);
            ResizePool();
            Sender.Tell(Snapshot());
            RequestCredits();
        });
        Receive<GetAgentState>(_ => Sender.Tell(Snapshot()));
    }

    public static Props Props(WorkloadRegistry registry, NodeAgentSettings settings) =>
        Akka.Actor.Props.Create(() => new NodeAgent(registry, settings));

    private int Capacity => _targetWorkers + _settings.Prefetch;

    protected override void PreStart()
    {
        ResizePool();
        Timers.StartPeriodicTimer("resync", ResyncTick.Instance, TimeSpan.FromSeconds(1));
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
            RequestCredits();
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
        _jobs[available.JobId] = new ActiveJob(available.JobId, available.Coordinator, job);
        Context.Watch(available.Coordinator);
        RequestCredits();
    }

    private void OnWorkBatch(WorkBatch batch)
    {
        if (!_jobs.TryGetValue(batch.JobId, out var job))
            return; // the job ended meanwhile; its coordinator no longer counts on this batch
        job.Outstanding = Math.Max(0, job.Outstanding - 1);
        job.LastHeard = DateTime.UtcNow;
        _queue.Enqueue(new PendingBatch(job, batch.BatchId, new ItemRange(batch.Start, batch.Count)));
        RunQueued();
    }

    private void OnNoWorkNow(NoWorkNow message)
    {
        if (!_jobs.TryGetValue(message.JobId, out var job)) return;
        job.Outstanding = Math.Max(0, job.Outstanding - message.ReturnedCredits);
        job.LastHeard = DateTime.UtcNow;
        job.Drained = true;
        RequestCredits();
    }

    private void OnBatchRan(BatchWorker.BatchRan ran)
    {
        _running.Remove(Sender);
        if (_workers.Contains(Sender))
        {
            if (_workers.Count > _targetWorkers)
                RetireWorker(Sender);
            else
                _idleWorkers.Push(Sender);
        }

        if (_jobs.TryGetValue(ran.JobId, out var job) && !ran.Cancelled)
        {
            job.BatchesRun++;
            if (ran.Error is null)
                job.Coordinator.Tell(new BatchCompleted(ran.JobId, ran.BatchId, ran.Range.Start, ran.Range.Count, ran.BusyMicros, ran.Partial ?? []));
            else
                job.Coordinator.Tell(new BatchFailed(ran.JobId, ran.BatchId, ran.Range.Start, ran.Range.Count, ran.Error));
        }
        RunQueued();
        RequestCredits();
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
        RequestCredits();
    }

    private void RunQueued()
    {
        while (_idleWorkers.Count > 0 && _queue.Count > 0)
        {
            var next = _queue.Dequeue();
            if (!_jobs.ContainsKey(next.Job.JobId)) continue;
            var worker = _idleWorkers.Pop();
            _running[worker] = next.Job.JobId;
            worker.Tell(new BatchWorker.RunBatch(next.Job.JobId, next.BatchId, next.Range, next.Job.Job, next.Job.Cancellation.Token));
        }
    }

    /// <summary>Spreads the free capacity over the jobs that have work, round-robin.</summary>
    private void RequestCredits()
    {
        var free = Capacity - _queue.Count - _running.Count - _jobs.Values.Sum(j => j.Outstanding);
        var eligible = _jobs.Values.Where(j => !j.Drained).ToList();
        if (free <= 0 || eligible.Count == 0) return;

        var grants = new int[eligible.Count];
        for (var i = 0; i < free; i++)
            grants[(_nextJobForCredits + i) % eligible.Count]++;
        _nextJobForCredits = (_nextJobForCredits + free) % eligible.Count;

        for (var i = 0; i < eligible.Count; i++)
        {
            if (grants[i] == 0) continue;
            var job = eligible[i];
            if (job.Outstanding == 0) job.LastHeard = DateTime.UtcNow;
            job.Outstanding += grants[i];
            job.Coordinator.Tell(new RequestWork(job.JobId, grants[i], _targetWorkers, Resync: false));
        }
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
            job.Coordinator.Tell(new RequestWork(job.JobId, job.Outstanding, _targetWorkers, Resync: true));
        }
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
            _jobs.Values.Select(j => new AgentJobState(j.JobId, j.Outstanding, j.Drained, j.BatchesRun)).ToList());

    private sealed class ActiveJob(string jobId, IActorRef coordinator, IWorkloadJob job)
    {
        public string JobId { get; } = jobId;
        public IActorRef Coordinator { get; set; } = coordinator;
        public IWorkloadJob Job { get; } = job;
        public CancellationTokenSource Cancellation { get; } = new();
        public int Outstanding { get; set; }
        public bool Drained { get; set; }
        public DateTime LastHeard { get; set; } = DateTime.UtcNow;
        public long BatchesRun { get; set; }
    }

    private readonly record struct PendingBatch(ActiveJob Job, long BatchId, ItemRange Range);

    private sealed class ResyncTick
    {
        public static readonly ResyncTick Instance = new();
    }

    /// <summary>Pins or changes the pool size at run time; credits follow at once.</summary>
    public sealed record SetWorkerCount(int Workers);

    /// <summary>Undoes <see cref="SetWorkerCount"/>: the pool returns to its planned size; answered with <see cref="AgentState"/>.</summary>
    public sealed record ReleaseWorkerPin;

    public sealed record GetAgentState;

    public sealed record AgentState(int TargetWorkers, int Workers, int Running, int Queued, int Outstanding, IReadOnlyList<AgentJobState> Jobs);

    public sealed record AgentJobState(string JobId, int Outstanding, bool Drained, long BatchesRun);
}
