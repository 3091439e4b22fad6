namespace ActorCluster.Protocol;

// What a job coordinator persists: enough to resume without redoing finished work, never one event
// per item. Replaying an event twice must not count anything twice (see JobCoordinator.Apply).

/// <summary>The job's spec, written once before the job is accepted.</summary>
public sealed record JobStarted(string JobId, string Workload, IReadOnlyList<string> Args, long ItemsTotal, long StartedAtUnixMs) : IActorClusterMessage;

/// <summary>One batch's first completion as journaled: its range, the time it took and its partial result.</summary>
public sealed record CountedRange(long Start, long Count, long BusyMicros, byte[] Partial);

/// <summary>
/// First completions of one or more batches that one node reported together, and who ran them.
/// <see cref="IssuedUpTo"/> is how far the job had been handed out, so a resumed coordinator can tell
/// how much was in flight. One event per report, not per batch: the journal write is shared too.
/// </summary>
public sealed record BatchesCounted(IReadOnlyList<CountedRange> Ranges, string Node, int Workers, long IssuedUpTo) : IActorClusterMessage;

/// <summary>The job ended (completed, failed or cancelled).</summary>
public sealed record JobFinished(JobPhase State, string? Error, long DurationMs) : IActorClusterMessage;

/// <summary>Everything the events above add up to, so a long job recovers from one snapshot and a few events.</summary>
public sealed record JobSnapshot(
    JobStarted Spec,
    IReadOnlyList<long> CompletedIntervals,
    byte[] Aggregate,
    IReadOnlyList<NodeTally> Nodes,
    long IssuedUpTo,
    long ItemsExecutedMoreThanOnce,
    JobFinished? Finished,
    long BatchesCounted) : IActorClusterMessage;

/// <summary>Wakes a job's coordinator (after a whole-cluster restart): if it was running, it resumes.</summary>
public sealed record ResumeJob(string JobId) : IJobMessage;

/// <summary>Agent to coordinator: batches this node received but will not run (it is leaving); hand them out again.</summary>
public sealed record ReturnBatches(string JobId, IReadOnlyList<long> BatchIds) : IJobMessage;
