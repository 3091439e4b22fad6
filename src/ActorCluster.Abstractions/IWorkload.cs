using System.Text.Json.Nodes;

namespace ActorCluster.Abstractions;

/// <summary>
/// A kind of job the cluster can run. Implementations are plain C#: no Akka types, so a plugin
/// references only this assembly. The same arguments must yield the same job on every node, because
/// each node prepares its own copy of the job from the workload name and arguments.
/// </summary>
public interface IWorkload
{
    /// <summary>Name used on the command line, e.g. <c>lfsr</c>.</summary>
    string Name { get; }

    /// <summary>One line for <c>--help</c>: what the workload computes.</summary>
    string Description { get; }

    /// <summary>
    /// The arguments <see cref="Prepare"/> reads (through <see cref="WorkloadArguments.Get{T}(WorkloadOption{T})"/>),
    /// which is also what <c>actorcluster submit &lt;workload&gt; --help</c> lists.
    /// </summary>
    IReadOnlyList<WorkloadOption> Options => [];

    /// <summary>
    /// Parses and validates the arguments and returns the prepared job. Throws
    /// <see cref="WorkloadArgumentException"/> with a one-line, user-facing message on bad input.
    /// Must be cheap: it must never materialize the items.
    /// </summary>
    IWorkloadJob Prepare(IReadOnlyList<string> args);
}

/// <summary>A workload bound to its arguments: knows how many items there are and how to run a range of them.</summary>
public interface IWorkloadJob
{
    long ItemCount { get; }

    WorkloadKind Kind { get; }

    /// <summary>Estimated bytes of memory one item needs while it runs (0 = negligible).</summary>
    long MemoryPerItemBytes { get; }

    /// <summary>
    /// Bytes one item allocates at most, which a node checks against its memory limit before it takes the job:
    /// the estimate, unless the workload knows better (memhog may declare less than it takes, on purpose).
    /// </summary>
    long MemoryRequestPerItemBytes => MemoryPerItemBytes;

    /// <summary>
    /// Runs the items of <paramref name="range"/> and returns the workload's encoded partial result.
    /// Runs on a worker thread; long batches should observe <paramref name="cancellation"/>.
    /// </summary>
    byte[] Execute(ItemRange range, CancellationToken cancellation);

    /// <summary>Creates an empty aggregate that partial results are merged into.</summary>
    IResultAggregator CreateAggregator();
}

/// <summary>Merges partial results of batches, each batch exactly once, into the job's result.</summary>
public interface IResultAggregator
{
    void Add(ItemRange range, ReadOnlySpan<byte> partial);

    /// <summary>The workload's aggregate as it appears under <c>result</c> in report.json.</summary>
    JsonObject ToJson();

    /// <summary>Serializes the running aggregate so a recovering coordinator can resume from it.</summary>
    byte[] Save();

    /// <summary>Restores what <see cref="Save"/> produced.</summary>
    void Load(ReadOnlySpan<byte> saved);
}

/// <summary>Bad workload arguments; the message is shown to the user as is.</summary>
public sealed class WorkloadArgumentException(string message) : Exception(message);
