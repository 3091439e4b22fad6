using Akka.Actor;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Node.Jobs;

// What a job coordinator's job store tasks tell it when they are done (never crosses the wire): the store is
// written off the actor's thread, and the coordinator journals only what the store already holds.

/// <summary>The manifest is stored and the cache looked up (its hits' records copied): journal the start.</summary>
internal sealed record JobPrepared(JobStarted Started, IReadOnlyList<ItemsFromCache> FromCache, IActorRef Submitter) : INoSerializationVerificationNeeded;

/// <summary>Storing the manifest or reading the cache failed: the submission is refused.</summary>
internal sealed record JobPrepareFailed(string Reason, IActorRef Submitter) : INoSerializationVerificationNeeded;

/// <summary>A completion's records are stored (and offered to the cache): its event may be journaled.</summary>
internal sealed record RecordsWritten(BatchesCounted? Event, string? CacheWarning) : INoSerializationVerificationNeeded;

/// <summary>A completion's records could not be stored, even after retries.</summary>
internal sealed record RecordsWriteFailed(string Error) : INoSerializationVerificationNeeded;
