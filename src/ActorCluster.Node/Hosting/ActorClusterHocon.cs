namespace ActorCluster.Node.Hosting;

/// <summary>The HOCON every node runs with; keys are documented in cluster-config/node.hocon, which can override them.</summary>
public static class ActorClusterHocon
{
    public const string Node = """
        akka {
          loglevel = INFO
          log-dead-letters = 0
          log-dead-letters-during-shutdown = off
          remote.dot-netty.tcp.maximum-frame-size = 32MB
          cluster {
            # Split brain resolver: keep-majority. With three or more nodes the side with most nodes
            # survives a partition and downs the rest, so a crashed node's batches are re-issued
            # without anyone running `down` by hand. Two-node clusters should not rely on it.
            downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
            split-brain-resolver {
              active-strategy = keep-majority
              stable-after = 7s
            }
            run-coordinated-shutdown-when-down = on
            sharding {
              # A job coordinator must never be stopped for being idle between a job's messages.
              passivate-idle-entity-after = off
              # Shard placement lives in replicated memory (it survives any node leaving); which jobs
              # exist lives in the journal, so a dead node's running jobs restart on another node.
              state-store-mode = ddata
              remember-entities = on
              remember-entities-store = eventsourced
              journal-plugin-id = "akka.persistence.journal.sql"
              snapshot-plugin-id = "akka.persistence.snapshot-store.sql"
            }
            client.receptionist.response-tunnel-receive-timeout = 60s
          }
        }
        actorcluster.worker-dispatcher {
          # Each worker gets its own thread: CPU-bound batches never run on the thread pool that carries
          # remoting and cluster heartbeats, so a busy node is not mistaken for a dead one.
          type = PinnedDispatcher
        }
        """;
}
