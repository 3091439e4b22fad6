using Akka.Actor;
using Akka.Event;
using ActorCluster.Abstractions;
using ActorCluster.Core.Agents;
using ActorCluster.Core.Jobs;
using ActorCluster.Core.Profiling;
using ActorCluster.Node.Metrics;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Agents;

/// <summary>
/// One per node: pulls batches from every running job's coordinator and runs them on the node's workers.
/// What it asks for, keeps and hands to a worker is decided by its <see cref="AgentLedger{TJob}"/>; the workers
/// are a <see cref="WorkerPool{TWorker}"/> of <see cref="BatchWorker"/> children. Its <see cref="NodeResources"/>
/// plan each job from its kind (with a profiler) and, from resource samples, shrink the pool under memory
/// pressure, grow it back, or stop asking for work; in-flight batches always finish. A job with a manifest is rebuilt
/// from it: the agent fetches the manifest's chunks from the coordinator once, before it asks for any of the job's
/// batches (<see cref="ManifestDownload"/>). Completions are coalesced: they wait until the messages already in the mailbox are
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
    private readonly Dictionary<IActorRef, int> _lanes = [];
    private readonly NodeResources _resources;
    private readonly Dictionary<string, (JobAvailable Available, ManifestDownload Download)> _downloads = [];
    private IActorRef? _leaving;
    private bool _completionsScheduled;
    private long _batchesRun;
    private string _node = "";
    private AgentGauges _gauges = new();

    /// <summary>A manifest download with no chunk for this long is started again when the job is announced next.</summary>
    private static readonly TimeSpan DownloadStallsAfter = TimeSpan.FromSeconds(10);

    public ITimerScheduler Timers { get; set; } = null!;

    public NodeAgent(WorkloadRegistry registry, NodeAgentSettings settings)
    {
        _registry = registry;
        _settings = settings;
        _ledger = new AgentLedger<PreparedJob>(settings.Workers, settings.Prefetch);
        _pool = new WorkerPool<IActorRef>(StartWorker, worker => { _lanes.Remove(worker); Context.Stop(worker); });
        _resources = new NodeResources(settings.Planner, settings.Sample, settings.FixedPlan, settings.Pressure);

        Receive<JobAvailable>(OnJobAvailable);
        Receive<ManifestChunk>(OnManifestChunk);
        Receive<WorkBatches>(OnWorkBatches);
        Receive<NoWorkNow>(m => { if (_ledger.NoWork(m.JobId, m.ReturnedCredits, DateTime.UtcNow)) ScheduleCompletions(); });
        Receive<BatchesRan>(OnBatchesRan);
        Receive<SendCompletions>(_ => { _completionsScheduled = false; TellCoordinators(); });
        Receive<JobEnded>(m => { _downloads.Remove(m.JobId); DropJob(m.JobId, $"job {m.State}"); });
        Receive<Terminated>(OnTerminated);
        Receive<ResyncTick>(_ => Resync());
        Receive<SetWorkerCount>(OnSetWorkerCount);
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
        _node = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();
        _gauges = ActorClusterMetrics.AgentOf(_node);
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

        if (available.Manifest is { IsEmpty: false } manifest)
        {
            var now = DateTime.UtcNow;
            if (_downloads.TryGetValue(available.JobId, out var pending) && pending.Available.Coordinator.Equals(available.Coordinator)
                && !pending.Download.Stalled(now, DownloadStallsAfter))
                return;
            _downloads[available.JobId] = (available, new ManifestDownload(manifest, now));
            available.Coordinator.Tell(new GetManifestChunk(available.JobId, 0));
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
        Accept(available, work);
    }

    private void OnManifestChunk(ManifestChunk chunk)
    {
        if (!_downloads.TryGetValue(chunk.JobId, out var pending)) return;
        var (available, download) = pending;
        try
        {
            if (!download.Add(chunk.Chunk, chunk.Data, DateTime.UtcNow)) return;
            if (!download.IsComplete)
            {
                available.Coordinator.Tell(new GetManifestChunk(chunk.JobId, download.NextChunk));
                return;
            }
            _downloads.Remove(chunk.JobId);
            var work = _registry.Open(available.Workload, available.Args, download.Manifest());
            _log.Info("job {0}: manifest of {1} chunks ({2:N0} bytes) fetched once; {3:N0} items", chunk.JobId, download.Info.Chunks, download.Info.Bytes, work.ItemCount);
            Accept(available, work);
        }
        catch (Exception e) when (e is InvalidDataException or WorkloadArgumentException)
        {
            _downloads.Remove(chunk.JobId);
            _log.Warning("cannot run job {0} on this node: {1}", chunk.JobId, e.Message);
        }
    }

    /// <summary>The job is ready here: plan it from its kind, its items' sizes and declared memory, and start asking for work.</summary>
    private void Accept(JobAvailable available, IWorkloadJob work)
    {
        if (_settings.Bounds.MemoryRefusal(work.MemoryRequestPerItemBytes) is { } refusal)
        {
            _log.Warning("cannot run job {0} on this node: {1}", available.JobId, refusal);
            return;
        }
        var plan = _resources.PlanFor(WorkloadTraits.Of(work.Kind, work.MemoryPerItemBytes, work.ItemSizes));
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
        _batchesRun += ran.Results.Count;
        if (ActorClusterMetrics.BatchDuration.Enabled)
            foreach (var result in ran.Results)
                ActorClusterMetrics.BatchDuration.Record(result.BusyMicros / 1e6, ActorClusterMetrics.Node(_node));
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
        _gauges.Set(_pool.Count, _ledger.Outstanding, _resources.Capped, _resources.Paused);
        foreach (var job in _ledger.Jobs)
        {
            if (job.Finished.Count > 0)
            {
                // Usually one message; large records are cut so no frame nears the 16 MB limit. Credits and usage ride on the last.
                var messages = AgentMessages.Split(job.JobId, job.Finished);
                for (var i = 0; i < messages.Count; i++)
                {
                    var last = i == messages.Count - 1;
                    messages[i].PartsFirst.ForEach(part => job.Job.Coordinator.Tell(part));
                    job.Job.Coordinator.Tell(new BatchesCompleted(job.JobId, messages[i].Batches, last ? job.NewCredits : 0, _ledger.Workers,
                        last ? UsageToSend(job) : null, job.Plan.ChunkSize ?? 0));
                }
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

    private void OnSetWorkerCount(SetWorkerCount m)
    {
        var workers = _settings.Bounds.ClampWorkers(m.Workers);
        Pin(workers, workers == m.Workers
            ? $"pinned to {workers} workers"
            : $"pinned to {workers} workers ({m.Workers} asked; this node runs 1 to {_settings.Bounds.MaxWorkers})");
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
            ActorClusterMetrics.PoolResizes.Add(1, ActorClusterMetrics.Node(_node),
                new KeyValuePair<string, object?>("direction", target > _ledger.Workers ? "grow" : "shrink"));
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

    /// <summary>A new worker takes the lowest lane no worker holds, so a job's task stream has as many lanes as the pool is large.</summary>
    private IActorRef StartWorker()
    {
        var lane = 0;
        while (_lanes.ContainsValue(lane)) lane++;
        var worker = Context.ActorOf(Akka.Actor.Props.Create(() => new BatchWorker(lane)).WithDispatcher(_settings.WorkerDispatcher), $"worker-{Guid.NewGuid():N}"[..15]);
        _lanes[worker] = lane;
        return worker;
    }

    private AgentState State => AgentMessages.State(_ledger, _pool.Count, _resources.Paused, _resources.Capped, _batchesRun, _settings.PlanReason);

    protected override void PostStop() => ActorClusterMetrics.ForgetAgent(_node);
}
