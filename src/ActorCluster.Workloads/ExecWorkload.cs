using ActorCluster.Abstractions;

namespace ActorCluster.Workloads;

/// <summary>
/// A distributed xargs: runs a command once per input, the input passed as one argument (see
/// <see cref="CommandTemplate"/> for how <c>--command</c> is split; there is no shell unless the command is one).
/// Each item's record has its exit code, duration and the first 64 KB of its stdout and stderr; a non-zero exit,
/// a timeout or a command that cannot start is a failed item, reported once and not retried. Nodes run it only
/// when started with <c>--allow-exec</c>; preparing it (listing the inputs) needs no permission.
/// </summary>
public sealed class ExecWorkload : IWorkload
{
    public const string WorkloadName = "exec";

    /// <summary>What a user is told when no node runs exec.</summary>
    public const string OptIn = "nodes run exec only when started with --allow-exec, env ACTORCLUSTER_ALLOW_EXEC=true or actorcluster.allow-exec = true";

    private static readonly WorkloadOption<string> Command = WorkloadOption.Text("command", "\"CMD {}\"",
        "the command run per input; {} is the input, passed as one argument (appended when absent); no shell");
    private static readonly WorkloadOption<string> Inputs = WorkloadOption.Text("inputs", "FILE", "absolute path of a file with one input per line", "");
    private static readonly WorkloadOption<string> Glob = WorkloadOption.Text("glob", "PATTERN",
        "absolute glob whose files are the inputs, e.g. '/data/**/*.wav'", "");
    private static readonly WorkloadOption<double> Timeout = WorkloadOption.Double("timeout", "S",
        "seconds one command may run before it and its children are killed; 0 = no limit", 0, 7 * 24 * 3600, 0);

    public string Name => WorkloadName;

    public string Description =>
        "runs a command once per input (the lines of --inputs or the files --glob matches) on nodes started with --allow-exec; " +
        "per item the exit code, duration and first 64 KB of stdout and stderr";

    public IReadOnlyList<WorkloadOption> Options => [Command, Inputs, Glob, Timeout];

    public IWorkloadJob Prepare(IReadOnlyList<string> args)
    {
        var (template, inputsFile, glob, timeout) = Parse(args);
        CheckProgram(template);
        var inputs = inputsFile.Length > 0 ? ExecInputs.FromFile(inputsFile) : ExecInputs.FromGlob(glob);
        if (inputs.Count == 0)
            throw new WorkloadArgumentException($"exec: --inputs file '{ExecInputs.Cut(inputsFile)}' has no inputs");
        return new ExecJob(template, inputs.ToArray(), timeout, ExecManifest.Encode(inputs));
    }

    public IWorkloadJob Open(IReadOnlyList<string> args, ReadOnlyMemory<byte> manifest)
    {
        var (template, _, _, timeout) = Parse(args);
        return new ExecJob(template, ExecManifest.Decode(manifest), timeout, manifest.ToArray());
    }

    private static (CommandTemplate Template, string InputsFile, string Glob, TimeSpan? Timeout) Parse(IReadOnlyList<string> args)
    {
        var parsed = new WorkloadArguments(WorkloadName, args);
        var template = CommandTemplate.Parse(parsed.Get(Command));
        var inputs = parsed.Get(Inputs);
        var glob = parsed.Get(Glob);
        var seconds = parsed.Get(Timeout);
        parsed.RejectUnknown();
        if ((inputs.Length > 0) == (glob.Length > 0))
            throw new WorkloadArgumentException("exec: give either --inputs FILE or --glob PATTERN");
        return (template, inputs, glob, seconds > 0 ? TimeSpan.FromSeconds(seconds) : null);
    }

    /// <summary>
    /// A program named without a path must be on this node's PATH, and one with an absolute path must exist:
    /// a typo is one line at submit, not a failure per item. Programs with a relative path or a placeholder
    /// are resolved when each item runs, and fail per item.
    /// </summary>
    private static void CheckProgram(CommandTemplate template)
    {
        var program = template.Program;
        if (program.Contains(CommandTemplate.Placeholder, StringComparison.Ordinal)) return;
        if (program.Contains('/'))
        {
            if (Path.IsPathFullyQualified(program) && !IsExecutable(program))
                throw new WorkloadArgumentException($"exec: command '{ExecInputs.Cut(program)}' does not exist or is not executable");
            return;
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (!path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Any(dir => IsExecutable(Path.Combine(dir, program))))
            throw new WorkloadArgumentException($"exec: command '{ExecInputs.Cut(program)}' not found on PATH");
    }

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path)) return false;
        if (OperatingSystem.IsWindows()) return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
