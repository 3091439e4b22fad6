using ActorCluster.Abstractions;
using ActorCluster.Core.Profiling;

namespace ActorCluster.Core.Agents;

/// <summary>
/// The node agent's side of work pulling, over every job the node runs. It asks for at most
/// (<see cref="Workers"/> + prefetch) batches at a time across all jobs, spread round-robin
/// over the jobs that have work, each up to its own limit. Prefetched batches wait here, not in a worker's
/// mailbox, and go to the first idle worker: no batch queues behind a long one while another worker idles.
/// Batches measured to be short go to a worker a few at a time. What ran waits in its job's account until
/// the agent sends it, so completions that arrive together leave in one message with the credits they freed.
/// Pure bookkeeping: no actors, and the clock comes in as an argument.
/// </summary>
public sealed class AgentLedger<TJob> where TJob : class
{
    /// <summary>Batches measured to take less than this are handed to a worker in groups.</summary>
    private const double ShortBatchMicros = 1000;

    /// <summary>The most batches in one group: bounds what waits behind a batch that turns out long.</summary>
    private const int MaxGroup = 32;

    private readonly int _unplannedWorkers;
    private readonly int _prefetch;
    private readonly Dictionary<string, JobAccount<TJob>> _jobs = [];
    private readonly Queue<QueuedBatch> _queue = new();
    // By job id, not by account: a job dropped and announced again (its coordinator restarted elsewhere)
    // still has its old batches on these workers, and they still take its room.
    private readonly Dictionary<string, Running> _runningByJob = [];
    private readonly List<JobAccount<TJob>> _eligible = [];
    private int _runningBatches;
    private int _nextJobForCredits;
    private bool _leaving;

    /// <param name="workers">The pool when no job has a plan (the profiler's or the user's size).</param>
    /// <param name="prefetch">Batches asked for beyond the workers, so none waits a round trip for its next one.</param>
    public AgentLedger(int workers, int prefetch)
    {
        _unplannedWorkers = Math.Max(1, workers);
        Workers = _unplannedWorkers;
        _prefetch = prefetch;
    }

    /// <summary>The pool size now; the agent sets it after plans or memory pressure change it.</summary>
    public int Workers { get; set; }

    /// <summary>A pool size set by hand at run time; it overrides every plan until cleared.</summary>
    public int? PinnedWorkers { get; set; }

    public int Queued => _queue.Count;

    /// <summary>Workers busy with a group of batches.</summary>
    public int RunningGroups { get; private set; }

    public int Outstanding
    {
        get
        {
            var outstanding = 0;
            foreach (var job in _jobs.Values) outstanding += job.Outstanding;
            return outstanding;
        }
    }

    public Dictionary<string, JobAccount<TJob>>.ValueCollection Jobs => _jobs.Values;

    public JobAccount<TJob>? Find(string jobId) => _jobs.GetValueOrDefault(jobId);

    public JobAccount<TJob> Add(string jobId, TJob job, WorkerPlan plan, DateTime now)
    {
        var account = new JobAccount<TJob>(jobId, job, plan, now);
        _jobs[jobId] = account;
        return account;
    }

    /// <summary>The coordinator announced the job again: it has work, so ask it again.</summary>
    public void Announced(JobAccount<TJob> job) => job.Drained = false;

    /// <summary>The job's coordinator moved to another node: what was asked of the old one is lost with it.</summary>
    public void CoordinatorMoved(JobAccount<TJob> job) => job.Outstanding = 0;

    /// <summary>The coordinator answered <paramref name="batches"/> credits; the batches follow with <see cref="Enqueue"/>.</summary>
    public JobAccount<TJob>? Received(string jobId, int batches, DateTime now)
    {
        if (!_jobs.TryGetValue(jobId, out var job)) return null; // the job ended meanwhile; its coordinator no longer counts on these
        job.Outstanding = Math.Max(0, job.Outstanding - batches);
        job.LastHeard = now;
        return job;
    }

    public void Enqueue(JobAccount<TJob> job, long batchId, ItemRange range)
    {
        _queue.Enqueue(new QueuedBatch(job, batchId, range));
        job.Queued++;
    }

    /// <summary>The coordinator has nothing to hand out now and returned these credits. False for an unknown job.</summary>
    public bool NoWork(string jobId, int returnedCredits, DateTime now)
    {
        if (Received(jobId, returnedCredits, now) is not { } job) return false;
        job.Drained = true;
        return true;
    }

    /// <summary>
    /// The next group for one of <paramref name="idleWorkers"/> idle workers: the first queued batch whose job
    /// runs on fewer workers than its limit (the others keep their order), with more of that job's batches
    /// when they are short. False when nothing queued may start now.
    /// </summary>
    public bool TryTakeGroup(int idleWorkers, out BatchGroup<TJob> group)
    {
        group = default;
        if (idleWorkers <= 0 || !TryDequeueFirstThatMayStart(out var first)) return false;
        first.Job.Queued--;
        var batches = new List<BatchToRun> { new(first.BatchId, first.Range) };
        AddShortBatches(first.Job, idleWorkers, batches);

        RunningGroups++;
        _runningBatches += batches.Count;
        var running = _runningByJob.GetValueOrDefault(first.Job.JobId);
        _runningByJob[first.Job.JobId] = new Running(running.Workers + 1, running.Batches + batches.Count);
        group = new BatchGroup<TJob>(first.Job, batches);
        return true;
    }

    /// <summary>
    /// A worker is done with a group of the job: its workers and batches are free again. Batches that finished
    /// wait in the job's <see cref="JobAccount{TJob}.Finished"/> until sent; cancelled ones are forgotten.
    /// Returns the job, or null when it ended meanwhile.
    /// </summary>
    public JobAccount<TJob>? GroupRan(string jobId, IReadOnlyList<BatchResult> results)
    {
        RunningGroups--;
        _runningBatches -= results.Count;
        if (_runningByJob.TryGetValue(jobId, out var running))
        {
            if (running.Workers > 1) _runningByJob[jobId] = new Running(running.Workers - 1, running.Batches - results.Count);
            else _runningByJob.Remove(jobId);
        }

        if (!_jobs.TryGetValue(jobId, out var job)) return null;
        for (var i = 0; i < results.Count; i++)
            if (!results[i].Cancelled) job.Ran(results[i]);
        return job;
    }

    /// <summary>
    /// Spreads the free capacity over the jobs that have work, round-robin, each up to its own limit, into
    /// every job's <see cref="JobAccount{TJob}.NewCredits"/>; they count as outstanding from now on.
    /// </summary>
    /// <param name="paused">Memory is nearly full: nothing new is asked for until it recovers.</param>
    public void GrantCredits(DateTime now, bool paused)
    {
        foreach (var job in _jobs.Values) job.NewCredits = 0;
        if (paused || _leaving) return;
        var free = Workers + _prefetch - _queue.Count - _runningBatches - Outstanding;
        _eligible.Clear();
        foreach (var job in _jobs.Values)
            if (!job.Drained) _eligible.Add(job);
        if (free <= 0 || _eligible.Count == 0) return;

        var turn = 0;
        for (var full = 0; free > 0 && full < _eligible.Count; turn++)
        {
            var job = _eligible[(_nextJobForCredits + turn) % _eligible.Count];
            if (Room(job) - job.NewCredits <= 0) { full++; continue; }
            full = 0;
            job.NewCredits++;
            free--;
        }
        _nextJobForCredits = (_nextJobForCredits + turn) % _eligible.Count;

        foreach (var job in _eligible)
        {
            if (job.NewCredits == 0) continue;
            if (job.Outstanding == 0) job.LastHeard = now;
            job.Outstanding += job.NewCredits;
        }
    }

    /// <summary>The job's finished batches went out to its coordinator.</summary>
    public void Sent(JobAccount<TJob> job) => job.ClearFinished();

    /// <summary>
    /// Whether to re-state the job's outstanding credits as absolute: credits asked for but never answered
    /// (a lost message, a coordinator that forgot this node after thinking it lost) would shrink its capacity forever.
    /// </summary>
    public bool ResyncDue(JobAccount<TJob> job, DateTime now, TimeSpan after)
    {
        if (job.Outstanding <= 0 || now - job.LastHeard < after) return false;
        job.LastHeard = now;
        return true;
    }

    /// <summary>The job ended or its coordinator stopped: its queued batches go; running ones finish on their own.</summary>
    public JobAccount<TJob>? Drop(string jobId)
    {
        if (!_jobs.Remove(jobId, out var dropped)) return null;
        for (var i = _queue.Count; i > 0; i--)
        {
            var batch = _queue.Dequeue();
            if (batch.Job != dropped) _queue.Enqueue(batch);
        }
        dropped.Queued = 0;
        return dropped;
    }

    /// <summary>
    /// The node is leaving: nothing more is asked for, and every batch not yet started goes back to its job's
    /// coordinator (returned here per job, in queue order). Running batches still finish and are sent.
    /// </summary>
    public List<(JobAccount<TJob> Job, List<long> BatchIds)> Leave()
    {
        _leaving = true;
        var returned = new List<(JobAccount<TJob> Job, List<long> BatchIds)>();
        foreach (var batch in _queue)
        {
            var index = returned.FindIndex(r => r.Job == batch.Job);
            if (index < 0) returned.Add((batch.Job, [batch.BatchId]));
            else returned[index].BatchIds.Add(batch.BatchId);
        }
        _queue.Clear();
        foreach (var job in _jobs.Values) job.Queued = 0;
        return returned;
    }

    /// <summary>
    /// What the plans ask for: jobs under one policy share its pool (two CPU-bound jobs must not
    /// oversubscribe the cores), jobs under different policies use different resources and add up.
    /// </summary>
    public int PlannedWorkers() =>
        PinnedWorkers ?? (_jobs.Count == 0
            ? _unplannedWorkers
            : _jobs.Values.GroupBy(j => j.Plan.Policy).Sum(g => g.Max(j => j.Plan.PoolSize)));

    /// <summary>The most workers the job may run on at once: its plan, within the pool.</summary>
    public int Limit(JobAccount<TJob> job) => Math.Min(PinnedWorkers ?? job.Plan.PoolSize, Workers);

    /// <summary>
    /// The first queued batch whose job runs on fewer workers than its limit. Usually that is the head of
    /// the queue; otherwise it takes one full turn of the queue, so the batches left keep their order.
    /// </summary>
    private bool TryDequeueFirstThatMayStart(out QueuedBatch first)
    {
        if (_queue.TryPeek(out first) && MayStart(first.Job))
        {
            _queue.Dequeue();
            return true;
        }
        var found = false;
        for (var i = _queue.Count; i > 0; i--)
        {
            var candidate = _queue.Dequeue();
            if (!found && MayStart(candidate.Job)) (first, found) = (candidate, true);
            else _queue.Enqueue(candidate);
        }
        return found;
    }

    private bool MayStart(JobAccount<TJob> job) => _runningByJob.GetValueOrDefault(job.JobId).Workers < Limit(job);

    /// <summary>
    /// Adds to a group a fair share of its job's queued batches (the job's batches over the idle workers,
    /// this one included, rounded up) when they are measured to be short, bounded so the group still takes
    /// about a millisecond at most. One full turn of the queue, so the batches left keep their order.
    /// </summary>
    private void AddShortBatches(JobAccount<TJob> job, int idleWorkers, List<BatchToRun> batches)
    {
        if (job.MeanBatchMicros is not { } mean || mean >= ShortBatchMicros || job.Queued == 0) return;
        var fairShare = (job.Queued + idleWorkers) / idleWorkers;
        var budget = (int)Math.Min(MaxGroup, Math.Max(1, ShortBatchMicros / Math.Max(mean, 1)));
        var take = Math.Min(fairShare, budget) - 1;
        if (take <= 0) return;
        for (var i = _queue.Count; i > 0; i--)
        {
            var candidate = _queue.Dequeue();
            if (take > 0 && candidate.Job == job)
            {
                batches.Add(new BatchToRun(candidate.BatchId, candidate.Range));
                job.Queued--;
                take--;
            }
            else
                _queue.Enqueue(candidate);
        }
    }

    /// <summary>How many more batches the job may hold (queued, running or asked for): its limit plus the prefetch.</summary>
    private int Room(JobAccount<TJob> job) =>
        Limit(job) + _prefetch - job.Queued - _runningByJob.GetValueOrDefault(job.JobId).Batches - job.Outstanding;

    private readonly record struct QueuedBatch(JobAccount<TJob> Job, long BatchId, ItemRange Range);

    private readonly record struct Running(int Workers, int Batches);
}
