namespace ActorCluster.Node.Hosting;

/// <summary>
/// The HOCON a node needs that Akka.Hosting has no typed option for. An operator's node.hocon or --config
/// sits above it; the split brain resolver and the job store are typed, in <see cref="NodeConfigFile"/>
/// and <see cref="ActorClusterHostingExtensions"/>.
/// </summary>
public static class ActorClusterHocon
{
    /// <summary>
    /// Each worker gets its own thread: CPU-bound batches never run on the thread pool that carries
    /// remoting and cluster heartbeats, so a busy node is not mistaken for a dead one.
    /// </summary>
    public const string WorkerDispatcher = "actorcluster.worker-dispatcher.type = PinnedDispatcher";

    // Sharding is configured here rather than with Akka.Hosting's ShardOptions: those only apply through
    // WithShardRegion, which cannot take the jobs' own allocation strategy (see WithJobCoordinator).
    public const string Node = WorkerDispatcher + $$"""

        akka {
          log-dead-letters = 0
          log-dead-letters-during-shutdown = off
          cluster {
            run-coordinated-shutdown-when-down = on
            sharding {
              # A job coordinator must never be stopped for being idle between a job's messages.
              passivate-idle-entity-after = off
              # Shard placement lives in replicated memory (it survives any node leaving); which jobs
              # exist lives in the journal, so a dead node's running jobs restart on another node.
              state-store-mode = ddata
              remember-entities = on
              remember-entities-store = eventsourced
              journal-plugin-id = "{{StorageSettings.JournalPluginId}}"
              snapshot-plugin-id = "{{StorageSettings.SnapshotPluginId}}"
            }
            client.receptionist.response-tunnel-receive-timeout = 60s
          }
        }
        """;
}
