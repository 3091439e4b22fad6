namespace ActorCluster.Core.Jobs;

/// <summary>
/// Where a job's manifest is and how to check it: <see cref="Chunks"/> compressed chunks of <see cref="Bytes"/> in
/// all, kept in the job store under the job's id, whose SHA-256 is <see cref="Sha256"/>. Journaled with the job's
/// spec and announced to agents, which fetch the chunks once and rebuild the job from them.
/// </summary>
public sealed record ManifestInfo(int Chunks, long Bytes, string Sha256)
{
    public static ManifestInfo None { get; } = new(0, 0, "");

    public bool IsEmpty => Chunks == 0;
}
