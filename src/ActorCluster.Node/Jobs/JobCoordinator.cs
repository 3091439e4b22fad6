using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;
using ActorCluster.Node.Protocol;

namespace ActorCluster.Node.Jobs;

/// <summary>
/// Runs one job: partitions it lazily, hands a batch to a node agent only against a credit, takes back
/// the batches of agents that are lost, counts each item range once, and merges the results.
/// All bookkeeping lives in <see cref="JobLedger{TAgent}"/>; this actor only connects it to messages.
/// </summary>
public sealed class JobCoordinator : ReceiveActor, IWithTimers
{
    private readonly string _jobId;
    private readonly WorkloadRegistry _registry;
    private readonly IActorRef _directory;
    private readonly CoordinatorSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<IActorRef, AgentInfo> _agents = [];
    private readonly Dictionary<string, NodeTally> _nodes = [];
    private readonly Address _selfAddress;

    private string _workload = "";
    private IReadOnlyList<string> _args = [];
    private JobLedger<IActorRef> _ledger = null!;
    private IResultAggregator _aggregator = null!;
    private readonly Stopwatch _clock = new();
    private JobState _state = JobState.Running;
    private string? _resultJson;
    private string? _error;

    public ITimerScheduler Timers { get; set; } = null!;

    public JobCoordinator(string jobId, WorkloadRegistry registry, IActorRef directory, CoordinatorSettings settings)
    {
        _jobId = jobId;
        _registry = registry;
        _directory = directory;
        _settings = settings;
        _selfAddress = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress;
        AwaitingStart();
    }

    public static Props Props(string jobId, WorkloadRegistry registry, IActorRef directory, CoordinatorSettings settings) =>
        Akka.Actor.Props.Create(() => new JobCoordinator(jobId, registry, directory, settings));

    private void AwaitingStart()
    {
        Receive<StartJob>(Start);
        // Anything else means someone asked about a job this coordinator never started.
        Receive<GetJobStatus>(m => { Sender.Tell(new JobNotFound(m.JobId)); Context.Stop(Self); });
        Receive<CancelJob>(m => { Sender.Tell(new JobNotFound(m.JobId)); Context.Stop(Self); });
        Receive<RequestWork>(_ => Sender.Tell(new JobEnded(_jobId, JobState.Cancelled)));
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
            Context.Stop(Self);
            return;
        }
        _workload = start.Workload;
        _args = start.Args;
        _ledger = new JobLedger<IActorRef>(job.ItemCount, new BatchSizer(_settings.BatchSizing), _settings.MaxAttemptsPerBatch);
        _aggregator = job.CreateAggregator();
        _clock.Start();
        Sender.Tell(new JobAccepted(_jobId, job.ItemCount));
        _log.Info("job {0}: {1} {2} started, {3} items", _jobId, _workload, string.Join(' ', _args), job.ItemCount);

        Become(Running);
        if (_ledger.IsComplete)
        {
            End(JobState.Completed, null);
            return;
        }
        _directory.Tell(new WatchWorkerNodes(Self));
        Announce();
        Timers.StartPeriodicTimer("reannounce", Reannounce.Instance, _settings.ReannounceInterval);
    }

    private void Running()
    {
        Receive<StartJob>(_ => Sender.Tell(new JobAccepted(_jobId, _ledger.ItemsTotal)));
        Receive<RequestWork>(OnRequestWork);
        Receive<BatchCompleted>(OnBatchCompleted);
        Receive<BatchFailed>(OnBatchFailed);
        Receive<WorkerNodeLost>(m => LoseNode(m.Node, m.Why));
        Receive<WorkerNodeUp>(m => _directory.Tell(new AnnounceToAgents(JobAvailableMessage(), m.Node)));
        Receive<Terminated>(m => LoseAgent(m.ActorRef, "agent stopped"));
        Receive<Reannounce>(_ => { if (_ledger.HasWorkToHandOut) Announce(); });
        Receive<GetJobStatus>(_ => Sender.Tell(Status()));
        Receive<CancelJob>(_ =>
        {
            End(JobState.Cancelled, "cancelled by user");
            Sender.Tell(Status());
        });
    }

    private void Ended()
    {
        Receive<StartJob>(_ => Sender.Tell(new JobAccepted(_jobId, _ledger.ItemsTotal)));
        Receive<GetJobStatus>(_ => Sender.Tell(Status()));
        Receive<CancelJob>(_ => Sender.Tell(Status()));
        // Late messages from agents: tell them the job is over so they drop it.
        Receive<RequestWork>(_ => Sender.Tell(new JobEnded(_jobId, _state)));
        Receive<BatchCompleted>(_ => { });
        Receive<BatchFailed>(_ => { });
        Receive<WorkerNodeLost>(_ => { });
        Receive<WorkerNodeUp>(_ => { });
        Receive<Terminated>(_ => { });
        Receive<Reannounce>(_ => { });
    }

    private void OnRequestWork(RequestWork request)
    {
        var agent = Sender;
        if (!_agents.TryGetValue(agent, out var info))
        {
            info = new AgentInfo(NodeKey(agent), request.Workers);
            _agents[agent] = info;
            Context.Watch(agent);
        }
        info.Workers = request.Workers;
        Tally(info.Node).Workers = request.Workers;
        if (request.Resync)
            _ledger.ResetCredits(agent, request.Credits, request.Workers);
        else
            _ledger.Grant(agent, request.Credits, request.Workers);
        Dispatch();
    }

    private void OnBatchCompleted(BatchCompleted done)
    {
        var range = new ItemRange(done.Start, done.Count);
        var outcome = _ledger.Complete(Sender, done.BatchId, range, done.BusyMicros);
        var tally = Tally(_agents.TryGetValue(Sender, out var info) ? info.Node : NodeKey(Sender));
        tally.BusyMicros += done.BusyMicros;
        if (outcome == CompletionOutcome.Counted)
        {
            _aggregator.Add(range, done.Partial);
            tally.Batches++;
            tally.Items += done.Count;
        }
        if (_ledger.IsComplete)
            End(JobState.Completed, null);
        else
            Dispatch();
    }

    private void OnBatchFailed(BatchFailed failed)
    {
        var range = new ItemRange(failed.Start, failed.Count);
        var outcome = _ledger.Fail(failed.BatchId, range);
        _log.Warning("job {0}: batch {1} failed on {2}: {3} ({4})", _jobId, range, NodeKey(Sender), failed.Error, outcome);
        if (outcome == FailureOutcome.GaveUp)
        {
            End(JobState.Failed, $"items {range} failed {_settings.MaxAttemptsPerBatch} times; last error: {failed.Error}");
            return;
        }
        Dispatch();
        if (outcome == FailureOutcome.WillRetry && _ledger.HasWorkToHandOut)
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
        foreach (var handout in _ledger.Dispatch())
            handout.Agent.Tell(new WorkBatch(_jobId, handout.BatchId, handout.Range.Start, handout.Range.Count));

        if (_ledger.HasWorkToHandOut) return;
        foreach (var agent in _agents.Keys)
        {
            var unused = _ledger.RevokeCredits(agent);
            if (unused > 0)
                agent.Tell(new NoWorkNow(_jobId, unused));
        }
    }

    private void Announce() => _directory.Tell(new AnnounceToAgents(JobAvailableMessage()));

    private JobAvailable JobAvailableMessage() => new(_jobId, _workload, _args, Self);

    private void End(JobState state, string? error)
    {
        _state = state;
        _error = error;
        _clock.Stop();
        _resultJson = _aggregator.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = false });
        Timers.CancelAll();
        var ended = new JobEnded(_jobId, state);
        foreach (var agent in _agents.Keys)
            agent.Tell(ended);
        _directory.Tell(new AnnounceToAgents(ended));
        _log.Info("job {0}: {1} after {2} ms, {3}/{4} items{5}", _jobId, state, _clock.ElapsedMilliseconds,
            _ledger.ItemsCompleted, _ledger.ItemsTotal, error is null ? "" : $" ({error})");
        Become(Ended);
    }

    private JobStatus Status()
    {
        var active = _agents
            .Where(a => _ledger.InFlightFor(a.Key) > 0 || _ledger.Credits(a.Key) > 0)
            .Select(a => a.Value.Node).Distinct().Count();
        var nodes = _nodes.OrderBy(n => n.Key, StringComparer.Ordinal)
            .Select(n => new NodeReport(n.Key, n.Value.Workers, n.Value.Batches, n.Value.Items, n.Value.BusyMicros / 1000))
            .ToList();
        return new JobStatus(_jobId, _workload, _state, _ledger.ItemsTotal, _ledger.ItemsCompleted, _ledger.BatchesCounted,
            _clock.ElapsedMilliseconds, _state == JobState.Running ? active : 0, _ledger.ItemsExecutedMoreThanOnce,
            nodes, _resultJson, _error);
    }

    private string NodeKey(IActorRef agent) =>
        (agent.Path.Address.HasLocalScope ? _selfAddress : agent.Path.Address).ToString();

    private NodeTally Tally(string node)
    {
        if (!_nodes.TryGetValue(node, out var tally))
            _nodes[node] = tally = new NodeTally();
        return tally;
    }

    private sealed class AgentInfo(string node, int workers)
    {
        public string Node { get; } = node;
        public int Workers { get; set; } = workers;
    }

    private sealed class NodeTally
    {
        public int Workers;
        public long Batches;
        public long Items;
        public long BusyMicros;
    }

    private sealed class Reannounce : INoSerializationVerificationNeeded
    {
        public static readonly Reannounce Instance = new();
    }
}
