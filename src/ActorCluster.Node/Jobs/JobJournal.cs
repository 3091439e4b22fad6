using Akka.Actor;
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
