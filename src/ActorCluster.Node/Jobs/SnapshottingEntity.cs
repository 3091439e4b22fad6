using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;

namespace ActorCluster.Node.Jobs;

/// <summary>
/// What a sharded, event-sourced entity needs besides its own logic: it stops through its parent, so a
/// shard does not restart it as if it had crashed (specs run it under a parent that does the same); it
/// saves a snapshot every so many journal events, so recovery never replays more than that; and it
/// deletes the events and older snapshots a snapshot replaces, so the journal stays small.
/// </summary>
public abstract class SnapshottingEntity(int snapshotEvery) : ReceivePersistentActor
{
    private int _eventsSinceSnapshot;

    /// <summary>Everything the journal holds so far, in one record.</summary>
    protected abstract object TakeSnapshot();

    protected void Passivate() => Context.Parent.Tell(new Passivate(PoisonPill.Instance));

    /// <summary>False while the state holds something the store does not have yet; the snapshot waits for the next event.</summary>
    protected virtual bool CanSnapshot => true;

    /// <summary>Counts an event written; every <c>snapshotEvery</c> events, a snapshot.</summary>
    protected void EventWritten()
    {
        if (++_eventsSinceSnapshot < snapshotEvery || !CanSnapshot) return;
        _eventsSinceSnapshot = 0;
        SaveSnapshot(TakeSnapshot());
    }

    protected void CommandSnapshotHousekeeping()
    {
        Command<SaveSnapshotSuccess>(m =>
        {
            DeleteMessages(m.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(m.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(m => Log.Warning("{0}: snapshot failed: {1}", PersistenceId, m.Cause.Message));
        Command<DeleteMessagesFailure>(m => Log.Warning("{0}: deleting old events failed: {1}", PersistenceId, m.Cause.Message));
        Command<object>(_ => { }, m => m is DeleteMessagesSuccess or DeleteSnapshotsSuccess or DeleteSnapshotsFailure);
    }
}
