namespace ActorCluster.IntegrationTests;

/// <summary>What a command printed and how it exited.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] Lines => Stdout.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
