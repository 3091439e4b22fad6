namespace ActorCluster.Abstractions;

/// <summary>
/// A job whose items the result cache may reuse: a later job of the same workload and version over an
/// unchanged input (same <see cref="ItemKey"/>) gets the item's record from the cache instead of running it.
/// For that the job's partial result of any run of items must follow from those items' records alone
/// (<see cref="PartialFromRecords"/>): the cache keeps records, never partials, so one cached item can be
/// combined with any neighbours in any batch.
/// </summary>
public interface ICacheableWorkloadJob : IWorkloadJob
{
    /// <summary>
    /// What identifies the item's input, e.g. its full path, size and modification time; the cluster adds the
    /// workload's name and version. Include every argument that changes the record. Null: never cached.
    /// </summary>
    string? ItemKey(long item);

    /// <summary>The encoded partial result of <paramref name="range"/>, from its items' records (in item order).</summary>
    byte[] PartialFromRecords(ItemRange range, IReadOnlyList<string> records);

    /// <summary>Whether a record may be reused (e.g. not a failure that a retry could fix). All are by default.</summary>
    bool IsCacheable(string record) => true;
}
