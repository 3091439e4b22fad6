using System.Text.Json.Nodes;

namespace ActorCluster.Abstractions;

/// <summary>
/// A kind of job the cluster can run. Implementations are plain C#: no Akka types, so a plugin
/// references only this assembly. The job is prepared once, on the node that starts it
/// (<see cref="Prepare"/>); every other node rebuilds the same job from the arguments and the job's
/// <see cref="IWorkloadJob.Manifest"/> (<see cref="Open"/>), so no node lists the inputs again and a
/// coordinator that fails over resumes with the same items.
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
    /// Parses and validates the arguments and returns the prepared job; a workload whose items come from
    /// the file system lists them here, once, into the job's <see cref="IWorkloadJob.Manifest"/>. Throws
    /// <see cref="WorkloadArgumentException"/> with a one-line, user-facing message on bad input.
    /// It must never run the items.
    /// </summary>
    IWorkloadJob Prepare(IReadOnlyList<string> args);

    /// <summary>
    /// Rebuilds on another node (or after a failover) the job <see cref="Prepare"/> made, from the same
    /// arguments and the manifest it produced, without listing anything again. Workloads without a
    /// manifest need not override it.
    /// </summary>
    IWorkloadJob Open(IReadOnlyList<string> args, ReadOnlyMemory<byte> manifest) => Prepare(args);
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
    /// The inputs fixed when the job started (paths, sizes, modification times, chunk boundaries), in the
    /// workload's own compact encoding; empty when the arguments alone define the items. It is journaled
    /// with the job and handed to <see cref="IWorkload.Open"/> on every node.
    /// </summary>
    ReadOnlyMemory<byte> Manifest => ReadOnlyMemory<byte>.Empty;

    /// <summary>
    /// Each item's input size in bytes, in item order, when items differ in size (files); null when they
    /// do not. The io-bound policy sizes pools from it and batches group items of similar size.
    /// </summary>
    IReadOnlyList<long>? ItemSizes => null;

    /// <summary>
    /// Runs the items of <paramref name="range"/> and returns the workload's encoded partial result, and
    /// optionally one record per item. Runs on a worker thread; long batches should observe
    /// <paramref name="cancellation"/>.
    /// </summary>
    BatchOutput Execute(ItemRange range, CancellationToken cancellation);

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

    /// <summary>
    /// Items merged so far that ran but failed (a command's non-zero exit, a file that could not be read): items a
    /// workload reports as failed records rather than by throwing. The job still completes, and <c>actorcluster submit</c>
    /// exits 3 naming the count, as xargs and GNU parallel exit non-zero when a command fails. 0 unless overridden.
    /// </summary>
    long FailedItems => 0;
}

/// <summary>Bad workload arguments; the message is shown to the user as is.</summary>
public sealed class WorkloadArgumentException(string message) : Exception(message);
