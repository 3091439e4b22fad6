namespace ActorCluster.Abstractions;

/// <summary>
/// A half-open range of item indices [Start, Start + Count). Batches are identified by their range:
/// that is what makes a completion idempotent across re-dispatches.
/// </summary>
public readonly record struct ItemRange(long Start, long Count)
{
    public long End => Start + Count;

    public bool IsEmpty => Count <= 0;

    public override string ToString() => $"[{Start}, {End})";
}
