namespace ActorCluster.Core.Jobs;

// What a job coordinator journals: enough to resume without redoing finished work, never one event per
// item. They live beside JobState, which applies them; replaying an event twice must not count anything
// twice (see JobState.Apply). The wire serializer writes them under codes that journals on disk rely on.

/// <summary>Marks what a job coordinator writes to its journal and snapshot store, so the serializer binds it.</summary>
public interface IJournalRecord;

/// <summary>
/// The job's spec, written once before the job is accepted: with where its manifest is (written to the job store
/// just before), the version of the workload's code that prepared it (a plugin's assembly hash: only nodes with that
/// version run its batches, and it scopes the result cache; empty in journals written before versions were
/// recorded: any version then) and whether it uses the cache.
/// </summary>
public sealed record JobStarted(string JobId, string Workload, IReadOnlyList<string> Args, long ItemsTotal, long StartedAtUnixMs,
    ManifestInfo? Manifest = null, string WorkloadVersion = "", bool UseCache = false) : IJournalRecord
{
    public ManifestInfo ManifestOrNone => Manifest ?? ManifestInfo.None;
}

/// <summary>One batch's first completion as journaled: its range, the time it took and its partial result.</summary>
public sealed record CountedRange(long Start, long Count, long BusyMicros, byte[] Partial);

/// <summary>
/// First completions of one or more batches that one node's completion message carried, and who ran them.
/// <see cref="IssuedUpTo"/> is how far the job had been handed out, so a resumed coordinator can tell
/// how much was in flight. One event per completion message, not per batch: the journal write is shared too.
/// </summary>
public sealed record BatchesCounted(IReadOnlyList<CountedRange> Ranges, string Node, int Workers, long IssuedUpTo) : IJournalRecord;

/// <summary>
/// Items whose records came from the result cache when the job started: counted as completed without running,
/// with the partial results their records give. Their records were copied to the job's records before this was written.
/// </summary>
public sealed record ItemsFromCache(IReadOnlyList<CountedRange> Ranges) : IJournalRecord;

/// <summary>The job ended (completed, failed or cancelled).</summary>
public sealed record JobFinished(JobPhase State, string? Error, long DurationMs) : IJournalRecord;

/// <summary>
/// Everything the events above add up to, so a long job recovers from one snapshot and a few events. The snapshot taken
/// when the job ends also holds its <see cref="Timeline"/>, so a report written later still has its plots.
/// </summary>
public sealed record JobSnapshot(
    JobStarted Spec,
    IReadOnlyList<long> CompletedIntervals,
    byte[] Aggregate,
    IReadOnlyList<NodeTally> Nodes,
    long IssuedUpTo,
    long ItemsExecutedMoreThanOnce,
    JobFinished? Finished,
    long BatchesCounted,
    long ItemsFromCache = 0,
    JobTimelineView? Timeline = null) : IJournalRecord;
