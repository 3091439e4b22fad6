namespace ActorCluster.Bench;

/// <summary>A baseline's answer and how long it took.</summary>
/// <param name="Threads">Distinct threads that ran items (Parallel.ForEach may use more than P on a busy machine).</param>
public sealed record BaselineRun(Digest Digest, TimeSpan Elapsed, int Threads = 1);
