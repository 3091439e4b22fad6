namespace ActorCluster.Workloads;

/// <summary>
/// How one command ran: its exit code (null when it did not start or was killed for its timeout), how long it
/// took, and the first bytes of its output with the full count of bytes it wrote.
/// </summary>
public sealed record CommandOutcome(
    int? ExitCode,
    bool TimedOut,
    string? Error,
    TimeSpan Duration,
    byte[] Stdout,
    long StdoutBytes,
    byte[] Stderr,
    long StderrBytes)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut && Error is null;
}
