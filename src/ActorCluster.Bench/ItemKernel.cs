namespace ActorCluster.Bench;

/// <summary>
/// The items of one benchmark scenario as plain code the baselines can run one by one, plus the cluster
/// job (workload name and arguments) that runs exactly the same items, and how to read that job's result
/// back into a <see cref="Digest"/>.
/// </summary>
public abstract class ItemKernel
{
    /// <summary>Workload name as submitted to the cluster.</summary>
    public abstract string Workload { get; }

    /// <summary>Workload arguments as submitted to the cluster.</summary>
    public abstract IReadOnlyList<string> Args { get; }

    public abstract long ItemCount { get; }

    /// <summary>Runs item <paramref name="item"/> and returns its contribution to the digest.</summary>
    public abstract Digest RunItem(long item);

    /// <summary>Nominal cost of an item in microseconds when the workload knows it (for the lower bound); null otherwise.</summary>
    public virtual double? CostUs(long item) => null;

    /// <summary>The digest computed without doing the work (e.g. without sleeping), when the workload allows it.</summary>
    public virtual Digest? DigestWithoutWork() => null;

    /// <summary>Reads a cluster job's result JSON (report.json's <c>result</c>) as a digest.</summary>
    public abstract Digest FromResultJson(string json);

    public string Describe() => $"{Workload} {string.Join(' ', Args)}";

    /// <summary>
    /// A smaller job of the same kind (about a tenth of the work): every runner does it once, untimed,
    /// before it is measured, so no runner is timed while the JIT is still tiering up its code paths.
    /// </summary>
    public abstract ItemKernel WarmUp();
}
