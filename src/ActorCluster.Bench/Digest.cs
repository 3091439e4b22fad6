namespace ActorCluster.Bench;

/// <summary>
/// What a run computed, independent of how the items were split or ordered: a wrapping sum of item
/// outputs and a count. Every scenario's digest must equal the sequential one.
/// </summary>
public readonly record struct Digest(ulong Sum, long Count)
{
    public static Digest operator +(Digest a, Digest b) => new(unchecked(a.Sum + b.Sum), a.Count + b.Count);

    public override string ToString() => $"{Sum:x16}/{Count}";
}
