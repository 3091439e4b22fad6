using Akka.Actor;
using Akka.Event;
using ActorCluster.Abstractions;
using ActorCluster.Core.Agents;
using ActorCluster.Core.Jobs;
using ActorCluster.Core.Profiling;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Agents;

/// <summary>
/// One per node: pulls batches from every running job's coordinator and runs them on the node's workers.
/// What it asks for, keeps and hands to a worker is decided by its <see cref="AgentLedger{TJob}"/>; the workers
/// are a <see cref="WorkerPool{TWorker}"/> of <see cref="BatchWorker"/> children. Its <see cref="NodeResources"/>
/// plan each job from its kind (with a profiler) and, from resource samples, shrink the pool under memory
/// pressure, grow it back, or stop asking for work; in-flight batches always finish. Completions are coalesced: they wait until the messages already in the mailbox are
/// handled, then each job's coordinator gets one <see cref="BatchesCompleted"/> with every batch that finished
/// meanwhile and the credits they freed (drain, then send).
/// </summary>
public sealed class NodeAgent : ReceiveActor, IWithTimers
{
    private readonly WorkloadRegistry _registry;
    private readonly NodeAgentSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly AgentLedger<PreparedJob> _ledger;
    private readonly WorkerPool<IActorRef> _pool;
    private readonly NodeResources _resources;
    private IActorRef? _leaving;
    private bool _completionsScheduled;

    public ITimerScheduler Timers { get; set; } = null!;

    public NodeAgent(WorkloadRegistry registry, NodeAgentSettings settings)
    {
        _registry = registry;
        _settings = settings;
        _ledger = new AgentLedger<PreparedJob>(settings.Workers, settings.Prefetch);
        _pool = new WorkerPool<IActorRef>(StartWorker, worker => Context.Stop(worker));
        _resources = new NodeResources(settings.Planner, settings.Sample, settings.FixedPlan, settings.Pressure);

        Receive<JobAvailable>(OnJobAvailable);
        Receive<WorkBatches>(OnWorkBatches);
        Receive<NoWorkNow>(m => { if (_ledger.NoWork(m.JobId, m.ReturnedCredits, DateTime.UtcNow)) ScheduleCompletions(); });
        Receive<BatchesRan>(OnBatchesRan);
        Receive<SendCompletions>(_ => { _completionsScheduled = false; TellCoordinators(); });
        Receive<JobEnded>(m => DropJob(m.JobId, $"job {m.State}"));
        Receive<Terminated>(OnTerminated);
        Receive<ResyncTick>(_ => Resync());
        Receive<SetWorkerCount>(m => Pin(Math.Max(1, m.Workers), $"pinned to {Math.Max(1, m.Workers)} workers"));
        // Back to what the profiler plans for the running jobs (or the start-up override).
        Receive<ReleaseWorkerPin>(_ => Pin(null, "pin released: back to the profiler's plan"));
        Receive<ResourceSampled>(m => OnSampled(m.Snapshot));
        Receive<GetAgentState>(_ => Sender.Tell(State));
        Receive<Leave>(_ => OnLeave());
    }

    public static Props Props(WorkloadRegistry registry, NodeAgentSettings settings) =>
        Akka.Actor.Props.Create(() => new NodeAgent(registry, settings));

    protected override void PreStart()
    {
        _pool.Resize(_ledger.Workers);
        Timers.StartPeriodicTimer("resync", ResyncTick.Instance, TimeSpan.FromSeconds(1));
        if (_settings.Sample is { } sample)
            Context.ActorOf(ResourceSampler.Props(Self, sample, _settings.SampleInterval), "resource-sampler");
    }

    private void OnJobAvailable(JobAvailable available)
    {
        if (_ledger.Find(available.JobId) is { } known)
        {
            if (!known.Job.Coordinator.Equals(available.Coordinator))
            {
                // The coordinator moved (it was restarted on another node): start over with the new one.
                Context.Unwatch(known.Job.Coordinator);
                known.Job.Coordinator = available.Coordinator;
                _ledger.CoordinatorMoved(known);
                Context.Watch(known.Job.Coordinator);
            }
            _ledger.Announced(known);
            ScheduleCompletions();
            return;
        }

        if (_registry.Find(available.Workload) is not { RunsHere: true })
        {
            // Directories announce jobs only to nodes that run them; this guards against one that did not know yet.
            _log.Debug("job {0}: this node does not run workload {1}", available.JobId, available.Workload);
            return;
        }
        IWorkloadJob work;
        try
        {
            work = _registry.Prepare(available.Workload, available.Args);
        }
        catch (WorkloadArgumentException e)
        {
            _log.Warning("cannot run job {0} on this node: {1}", available.JobId, e.Message);
            return;
        }
        var plan = _resources.PlanFor(new WorkloadTraits(work.Kind, work.MemoryPerItemBytes));
        _ledger.Add(available.JobId, new PreparedJob(available.Coordinator, work), plan, DateTime.UtcNow);
        Context.Watch(available.Coordinator);
        _log.Info("job {0}: {1} workers, {2}", available.JobId, plan.PoolSize, plan.Reason);
        Retarget($"job {available.JobId} started");
    }

    private void OnWorkBatches(WorkBatches work)
    {
        if (_ledger.Received(work.JobId, work.Batches.Count, DateTime.UtcNow) is not { } job) return;
        for (var i = 0; i < work.Batches.Count; i++)
            _ledger.Enqueue(job, work.Batches[i].BatchId, new ItemRange(work.Batches[i].Start, work.Batches[i].Count));
        RunQueued();
    }

    private void OnBatchesRan(BatchesRan ran)
    {
        _pool.Release(Sender);
        if (_ledger.GroupRan(ran.JobId, ran.Results) is { } job)
            for (var i = 0; i < ran.Results.Count; i++)
                if (ran.Results[i] is { Cancelled: false, Error: { } error } failed)
                    job.Job.Coordinator.Tell(new BatchFailed(ran.JobId, failed.BatchId, failed.Range.Start, failed.Range.Count, error));
        RunQueued();
        if (_leaving is not null && _ledger.RunningGroups == 0)
        {
            TellCoordinators(); // the last completions go out before the node says it has left
            FinishLeaving();
        }
        else
            ScheduleCompletions();
    }

    /// <summary>
    /// The node is leaving the cluster gracefully: hand back every batch not yet started, ask for nothing
    /// more, let running batches finish (their completions still count), then answer <see cref="Left"/>.
    /// </summary>
    private void OnLeave()
    {
        _leaving = Sender;
        var unstarted = _ledger.Leave();
        TellCoordinators(); // completions waiting to be sent go out now, with no credits
        foreach (var (job, batchIds) in unstarted)
            job.Job.Coordinator.Tell(new ReturnBatches(job.JobId, batchIds));
        _log.Info("leaving: handed back {0} queued batches, waiting for {1} running ones", unstarted.Sum(u => u.BatchIds.Count), _ledger.RunningGroups);
        if (_ledger.RunningGroups == 0)
            FinishLeaving();
    }

    private void FinishLeaving()
    {
        _leaving?.Tell(Left.Instance);
        _leaving = ActorRefs.Nobody; // stay in leaving mode; Nobody swallows any later answer
    }

    private void OnTerminated(Terminated terminated)
    {
        foreach (var job in _ledger.Jobs.Where(j => j.Job.Coordinator.Equals(terminated.ActorRef)).ToList())
            DropJob(job.JobId, "coordinator stopped");
    }

    private void DropJob(string jobId, string why)
    {
        if (_ledger.Drop(jobId) is not { } job) return;
        job.Job.Cancellation.Cancel();
        Context.Unwatch(job.Job.Coordinator);
        _log.Debug("dropped job {0}: {1}", jobId, why);
        Retarget($"job {jobId} ended");
    }

    private void RunQueued()
    {
        while (_pool.IdleCount > 0 && _ledger.TryTakeGroup(_pool.IdleCount, out var group))
            _pool.TakeIdle().Tell(new RunBatches(group.Job.JobId, group.Batches, group.Job.Job.Work, group.Job.Job.Cancellation.Token));
    }

    /// <summary>Asks for <see cref="TellCoordinators"/> once the messages already in the mailbox are handled.</summary>
    private void ScheduleCompletions()
    {
        if (_completionsScheduled) return;
        _completionsScheduled = true;
        Self.Tell(SendCompletions.Instance);
    }

    /// <summary>
    /// Tells each job's coordinator what finished since the last completion and how many more batches this
    /// node can take (<see cref="BatchesCompleted"/>), or only the credits (<see cref="RequestWork"/>).
    /// </summary>
    private void TellCoordinators()
    {
        _ledger.GrantCredits(DateTime.UtcNow, _resources.Paused);
        foreach (var job in _ledger.Jobs)
        {
            if (job.Finished.Count > 0)
            {
                job.Job.Coordinator.Tell(new BatchesCompleted(job.JobId, AgentMessages.Completed(job.Finished), job.NewCredits, _ledger.Workers, UsageToSend(job), job.Plan.ChunkSize ?? 0));
                _ledger.Sent(job);
            }
            else if (job.NewCredits > 0)
                job.Job.Coordinator.Tell(new RequestWork(job.JobId, job.NewCredits, _ledger.Workers, Resync: false, job.Plan.ChunkSize ?? 0));
        }
    }

    private void Resync()
    {
        var now = DateTime.UtcNow;
        foreach (var job in _ledger.Jobs)
            if (_ledger.ResyncDue(job, now, _settings.ResyncAfter))
                job.Job.Coordinator.Tell(new RequestWork(job.JobId, job.Outstanding, _ledger.Workers, Resync: true, job.Plan.ChunkSize ?? 0));
    }

    private void Pin(int? workers, string why)
    {
        _ledger.PinnedWorkers = workers;
        Retarget(why);
        Sender.Tell(State);
    }

    /// <summary>Applies plans and memory pressure to the pool; fewer workers means fewer credits asked for at once.</summary>
    private void Retarget(string why)
    {
        var target = _resources.Limit(_ledger.PlannedWorkers());
        if (target != _ledger.Workers)
        {
            _log.Info("pool {0} -> {1} workers: {2}", _ledger.Workers, target, why);
            _ledger.Workers = target;
            _pool.Resize(target);
            RunQueued();
        }
        ScheduleCompletions();
    }

    private void OnSampled(ResourceSnapshot sampled)
    {
        var memoryPerWorker = _ledger.Jobs.Select(j => j.Job.Work.MemoryPerItemBytes).DefaultIfEmpty(0).Max();
        var events = _resources.Sampled(sampled, _ledger.PlannedWorkers(), memoryPerWorker);
        foreach (var job in _ledger.Jobs)
            job.Job.Usage.Observe(_resources.Latest!);
        foreach (var e in events)
        {
            _log.Warning("memory pressure: {0} {1}", AgentMessages.ActionName(e), e.Reason);
            foreach (var job in _ledger.Jobs)
                job.Job.Usage.Resized(sampled.TakenAt, e);
        }
        Retarget(events.Count > 0 ? events[^1].Reason : "resource sample");
    }

    /// <summary>The job's usage when it changed since the last one sent, so the coordinator gets it without a message of its own.</summary>
    private NodeJobUsage? UsageToSend(JobAccount<PreparedJob> job) =>
        _settings.Planner is not null && job.Job.Usage.TakeChange() ? AgentMessages.Usage(job.Plan, _ledger.Limit(job), job.Job.Usage) : null;

    private IActorRef StartWorker() =>
        Context.ActorOf(Akka.Actor.Props.Create<BatchWorker>().WithDispatcher(_settings.WorkerDispatcher), $"worker-{Guid.NewGuid():N}"[..15]);

    private AgentState State => AgentMessages.State(_ledger, _pool.Count, _resources.Paused);
}
