namespace ActorCluster.Protocol;

/// <summary>Marker for every message that crosses the wire: all of them use <see cref="Serialization.ActorClusterSerializer"/>.</summary>
public interface IActorClusterMessage;

/// <summary>A message addressed to one job's coordinator; sharding routes it by <see cref="JobId"/>.</summary>
public interface IJobMessage : IActorClusterMessage
{
    string JobId { get; }
}
