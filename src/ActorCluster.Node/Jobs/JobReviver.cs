using Akka.Actor;
using Akka.Event;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Jobs;

/// <summary>
/// After a node starts, wakes every job its journal knows, through the shard region. Jobs that were
/// running when the whole cluster stopped resume; ended ones answer and go back to sleep. Sharding's
/// remember-entities restarts jobs when one node dies; this covers the restart of every node.
/// </summary>
public sealed class JobReviver : ReceiveActor
{
    public JobReviver(IActorRef jobRegion)
    {
        Receive<IReadOnlyList<string>>(ids =>
        {
            foreach (var id in ids)
                jobRegion.Tell(new ResumeJob(id));
            if (ids.Count > 0)
                Context.GetLogger().Info("job reviver: woke {0} jobs found in this node's journal", ids.Count);
            Context.Stop(Self);
        });
        Receive<Status.Failure>(failure =>
        {
            Context.GetLogger().Warning("job reviver: could not read the journal: {0}", failure.Cause.Message);
            Context.Stop(Self);
        });
    }

    public static Props Props(IActorRef jobRegion) => Akka.Actor.Props.Create(() => new JobReviver(jobRegion));

    protected override void PreStart() => JobJournal.JobIdsAsync(Context.System, TimeSpan.FromSeconds(30)).PipeTo(Self);
}
