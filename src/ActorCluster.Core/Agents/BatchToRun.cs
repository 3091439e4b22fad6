using ActorCluster.Abstractions;

namespace ActorCluster.Core.Agents;

/// <summary>One batch a worker is given: the coordinator's id for it and the items it covers.</summary>
public readonly record struct BatchToRun(long BatchId, ItemRange Range);
