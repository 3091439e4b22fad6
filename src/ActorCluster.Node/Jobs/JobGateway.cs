using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Jobs;

/// <summary>
/// The entry point clients reach (through the cluster client receptionist): names each submitted job and
/// hands it to its sharded coordinator, which checks it and answers; routes every other question about a
/// job there too. A job whose workload no worker node that is up runs (exec without --allow-exec, a plugin
/// installed nowhere or in another version) is refused here, naming the workload; one whose workload this node
/// lacks (a plugin it was not given) goes to the gateway of a coordinator node that runs it, because the node
/// that takes a submission coordinates the job and must prepare it. Accepted job ids are recorded in a replicated set (Distributed Data) so any node can list
/// every job.
/// </summary>
public sealed class JobGateway : ReceiveActor
{
    public const string Name = ClusterNames.GatewayName;
    private static readonly ORSetKey<string> JobIndexKey = new("actorcluster-jobs");
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(5);

    private EndedJobs<JobSummary> _ended = new();
    private IReadOnlySet<string>? _journalIds;

    public JobGateway(IActorRef jobRegion, WorkloadRegistry registry, IJobDataStore store)
    {
        var replicator = DistributedData.Get(Context.System).Replicator;
        var cluster = Cluster.Get(Context.System);
        var node = cluster.SelfUniqueAddress;

        Receive<SubmitJob>(submit =>
        {
            if (registry.Find(submit.Workload) is null && NodeThatRuns(cluster.State, submit.Workload) is { } other)
            {
                Context.ActorSelection(new RootActorPath(other) / "user" / Name).Tell(submit, Sender);
                return;
            }
            if (registry.Find(submit.Workload) is { } installed &&
                WorkloadAvailability.Refusal(installed.Id, installed.OptIn, UpWorkers(cluster.State)) is { } refusal)
            {
                Sender.Tell(new JobRejected(refusal));
                return;
            }
            var (submitter, gateway, jobId) = (Sender, Self, NewJobId());
            if (submit.Acknowledge) submitter.Tell(new JobPreparing(jobId));
            jobRegion.Ask<object>(new StartJob(jobId, submit.Workload, submit.Args, submit.NoCache), JobPreparing.MaxWait).ContinueWith(reply =>
            {
                if (!reply.IsCompletedSuccessfully) return; // the submitter has given up by now
                if (reply.Result is JobAccepted accepted)
                    replicator.Tell(Dsl.Update(JobIndexKey, ORSet<string>.Empty, WriteLocal.Instance, set => set.Add(node, accepted.JobId)), gateway);
                submitter.Tell(reply.Result);
            });
        });
        Receive<GetJobStatus>(m => jobRegion.Forward(m));
        Receive<CancelJob>(m => jobRegion.Forward(m));
        Receive<WatchJob>(m => jobRegion.Forward(m));
        Receive<GetJobResults>(m => jobRegion.Forward(m));
        Receive<GetJobTimeline>(m => jobRegion.Forward(m));
        Receive<ClearResultCache>(m => m.ThisNodeOnly, _ =>
            Task.Run(() => store.CacheClear()).PipeTo(Sender, success: c => new ResultCacheCleared(c.Entries, c.Bytes), failure: e => new JobRejected(
                $"cannot clear the result cache: {(e.InnerException ?? e).Message.ReplaceLineEndings(" ")}")));
        Receive<ClearResultCache>(_ =>
        {
            // Every member's own store: nodes with a SQLite file each keep a cache each.
            var members = Cluster.Get(Context.System).State.Members.Where(m => m.Status == MemberStatus.Up).Select(m => m.Address).ToList();
            var system = Context.System;
            Task.WhenAll(members.Select(address =>
                    system.ActorSelection(new RootActorPath(address) / "user" / Name).Ask<object>(new ClearResultCache(ThisNodeOnly: true), StatusTimeout)))
                .ContinueWith(object (answers) =>
                {
                    if (!answers.IsCompletedSuccessfully)
                        return new JobRejected($"cannot clear the result cache on every node: {answers.Exception?.InnerException?.Message ?? "no answer"}");
                    if (answers.Result.OfType<JobRejected>().FirstOrDefault() is { } rejected) return rejected;
                    var cleared = answers.Result.OfType<ResultCacheCleared>().ToList();
                    return new ResultCacheCleared(cleared.Sum(c => c.Entries), cleared.Sum(c => c.Bytes));
                }).PipeTo(Sender);
        });
        Receive<ListJobs>(_ =>
        {
            var (replyTo, system, ended, journalIds) = (Sender, Context.System, _ended, _journalIds); // Context is not available inside the continuation
            replicator.Ask<IGetResponse>(Dsl.Get(JobIndexKey, ReadLocal.Instance), StatusTimeout)
                .ContinueWith(async index =>
                {
                    // Jobs submitted since the cluster started (replicated in memory) plus every job the journal knows
                    // (jobs from before a restart; read once, since every later job is in the replicated set).
                    var ids = index.Result is GetSuccess found ? found.Get(JobIndexKey).Elements.ToHashSet() : [];
                    if (journalIds is null)
                    {
                        try { journalIds = (await JobJournal.JobIdsAsync(system, StatusTimeout)).ToHashSet(); }
                        catch (Exception) { /* the replicated index alone still answers; the journal is read next time */ }
                    }
                    if (journalIds is not null) ids.UnionWith(journalIds);
                    var statuses = await Task.WhenAll(ids.Where(id => !ended.Contains(id)).Select(async id =>
                    {
                        try { return await jobRegion.Ask<object>(new GetJobStatus(id), StatusTimeout) as JobStatus; }
                        catch (Exception) { return null; }
                    }));
                    return new JobsListed(replyTo, ids, statuses.OfType<JobStatus>().ToList(), ended, journalIds);
                }).Unwrap().PipeTo(Self);
        });
        Receive<JobsListed>(listed =>
        {
            _journalIds ??= listed.JournalIds;
            var asked = listed.Statuses.Select(s => new JobSummary(s.JobId, s.Workload, s.State, s.ItemsTotal, s.ItemsCompleted, s.DurationMs)).ToList();
            foreach (var summary in asked) _ended = _ended.Remember(summary.JobId, summary.State, summary);
            var known = listed.Ids.Select(listed.Ended.Find).OfType<JobSummary>();
            listed.ReplyTo.Tell(new JobList(asked.Concat(known).OrderBy(s => s.JobId, StringComparer.Ordinal).ToList()));
        });
    }

    public static Props Props(IActorRef jobRegion, WorkloadRegistry registry, IJobDataStore store) => Akka.Actor.Props.Create(() => new JobGateway(jobRegion, registry, store));

    /// <summary>A reachable coordinator node that is up and runs <paramref name="workload"/> (any version); null when none does.</summary>
    private static Address? NodeThatRuns(ClusterEvent.CurrentClusterState state, string workload)
    {
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        return state.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp && m.HasRole(CoordinatorRole) && !unreachable.Contains(m.UniqueAddress))
            .Where(m => WorkloadRoles.Parse(m.Roles).Any(id => id.Name == workload))
            .Select(m => m.Address).OrderBy(a => a.ToString(), StringComparer.Ordinal).FirstOrDefault();
    }

    private const string CoordinatorRole = Hosting.ActorClusterHostingExtensions.CoordinatorRole;

    /// <summary>What each reachable worker node that is up runs, from its roles.</summary>
    private static List<IReadOnlySet<WorkloadId>> UpWorkers(ClusterEvent.CurrentClusterState state)
    {
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        return state.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp && m.HasRole(WorkerDirectory.WorkerRole) && !unreachable.Contains(m.UniqueAddress))
            .Select(m => WorkloadRoles.Parse(m.Roles)).ToList();
    }

    /// <summary>Short, sortable by time, unique enough across nodes: <c>j-20261123-151822-3fa9c1</c>.</summary>
    public static string NewJobId() => $"j-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Random.Shared.Next(0, 1 << 24):x6}";
}
