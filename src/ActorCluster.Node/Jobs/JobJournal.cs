using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using ActorCluster.Node.Hosting;

namespace ActorCluster.Node.Jobs;

/// <summary>Reads which jobs this node's journal knows (every job ever started against this store).</summary>
public static class JobJournal
{
    public static async Task<IReadOnlyList<string>> JobIdsAsync(ActorSystem system, TimeSpan timeout)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(StorageSettings.QueryPluginId);
        using var cts = new CancellationTokenSource(timeout);
        var ids = await journal.CurrentPersistenceIds()
            .Where(id => id.StartsWith(JobCoordinator.PersistenceIdPrefix, StringComparison.Ordinal))
            .Select(id => id[JobCoordinator.PersistenceIdPrefix.Length..])
            .RunWith(Sink.Seq<string>(), system.Materializer())
            .WaitAsync(cts.Token);
        return ids;
    }
}

/// <summary>
/// After a node starts, wakes every job its journal knows, through the shard region. Jobs that were
/// running when the whole cluster stopped resume; ended ones answer and go back to sleep. Sharding's
/// remember-entities restarts jobs when one node dies; this covers the restart of every node.
/// </summary>
public sealed class JobReviver : ReceiveActor
{
    public JobReviver(IActorRef jobRegion)
    {
        ReceiveAsync<Revive>(async _ =>
        {
            try
            {
                var ids = await JobJournal.JobIdsAsync(Context.System, TimeSpan.FromSeconds(30));
                foreach (var id in ids)
                    jobRegion.Tell(new Protocol.ResumeJob(id));
                if (ids.Count > 0)
                    Context.GetLogger().Info("job reviver: woke {0} jobs found in this node's journal", ids.Count);
            }
            catch (Exception e)
            {
                Context.GetLogger().Warning("job reviver: could not read the journal: {0}", e.Message);
            }
            Context.Stop(Self);
        });
    }

    public static Props Props(IActorRef jobRegion) => Akka.Actor.Props.Create(() => new JobReviver(jobRegion));

    public sealed class Revive : INoSerializationVerificationNeeded
    {
        public static readonly Revive Instance = new();
    }
}
