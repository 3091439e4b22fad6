using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Jobs;

/// <summary>
/// The entry point clients reach (through the cluster client receptionist): validates a submission
/// before any state is created, names the job, and routes everything about a job to its sharded
/// coordinator. Job ids are recorded in a replicated set (Distributed Data) so any node can list every job.
/// </summary>
public sealed class JobGateway : ReceiveActor
{
    public const string Name = ClusterNames.GatewayName;
    private static readonly ORSetKey<string> JobIndexKey = new("actorcluster-jobs");
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(5);

    private readonly IActorRef _replicator;
    private readonly UniqueAddress _self;

    public JobGateway(WorkloadRegistry registry, IActorRef jobRegion)
    {
        var ddata = DistributedData.Get(Context.System);
        _replicator = ddata.Replicator;
        _self = Cluster.Get(Context.System).SelfUniqueAddress;

        Receive<SubmitJob>(submit =>
        {
            try
            {
                registry.Prepare(submit.Workload, submit.Args);
            }
            catch (WorkloadArgumentException e)
            {
                Sender.Tell(new JobRejected(e.Message));
                return;
            }
            catch (Exception e)
            {
                // A buggy workload plugin must not crash the gateway; the user gets a reason.
                Sender.Tell(new JobRejected($"{submit.Workload}: cannot prepare job: {e.Message}"));
                return;
            }
            var jobId = NewJobId();
            _replicator.Tell(Dsl.Update(JobIndexKey, ORSet<string>.Empty, WriteLocal.Instance, set => set.Add(_self, jobId)));
            jobRegion.Forward(new StartJob(jobId, submit.Workload, submit.Args));
        });
        Receive<GetJobStatus>(m => jobRegion.Forward(m));
        Receive<CancelJob>(m => jobRegion.Forward(m));
        Receive<ListJobs>(_ =>
        {
            var replyTo = Sender;
            var system = Context.System; // Context is not available inside the continuation
            _replicator.Ask<IGetResponse>(Dsl.Get(JobIndexKey, ReadLocal.Instance), StatusTimeout)
                .ContinueWith(async index =>
                {
                    // Jobs submitted since the cluster started (replicated in memory) plus every job this
                    // node's journal knows (jobs from before a restart).
                    var ids = index.Result is GetSuccess found ? found.Get(JobIndexKey).Elements.ToHashSet() : [];
                    try { ids.UnionWith(await JobJournal.JobIdsAsync(system, StatusTimeout)); }
                    catch (Exception) { /* the replicated index alone still answers */ }
                    var statuses = await Task.WhenAll(ids.Select(async id =>
                    {
                        try { return await jobRegion.Ask<object>(new GetJobStatus(id), StatusTimeout) as JobStatus; }
                        catch (Exception) { return null; }
                    }));
                    return new JobList(statuses.OfType<JobStatus>()
                        .Select(s => new JobSummary(s.JobId, s.Workload, s.State, s.ItemsTotal, s.ItemsCompleted, s.DurationMs))
                        .OrderBy(s => s.JobId, StringComparer.Ordinal).ToList());
                }).Unwrap().PipeTo(replyTo);
        });
    }

    public static Props Props(WorkloadRegistry registry, IActorRef jobRegion) =>
        Akka.Actor.Props.Create(() => new JobGateway(registry, jobRegion));

    /// <summary>Short, sortable by time, unique enough across nodes: <c>j-20261123-151822-3fa9c1</c>.</summary>
    public static string NewJobId() => $"j-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Random.Shared.Next(0, 1 << 24):x6}";
}
