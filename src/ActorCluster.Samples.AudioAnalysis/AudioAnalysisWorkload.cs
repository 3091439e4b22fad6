using ActorCluster.Abstractions;

namespace ActorCluster.Samples.AudioAnalysis;

/// <summary>
/// The sample plugin: per WAV file below a directory, its duration, RMS and peak level and zero-crossing rate.
/// The files are listed once, when the job starts (the manifest: path, size, modification time); every node
/// and every recovery reads that list, never the directory. It declares <see cref="WorkloadKind.AudioAnalysis"/>,
/// so each node's profiler sizes its pool with the audio policy.
/// </summary>
public sealed class AudioAnalysisWorkload : IWorkload
{
    private static readonly WorkloadOption<string> PathOption = WorkloadOption.Text("path", "DIR",
        "absolute path of the directory whose WAV files are analysed, subdirectories included");
    private static readonly WorkloadOption<string> Pattern = WorkloadOption.Text("pattern", "GLOB",
        "file names to analyse (* and ?, any case)", "*.wav");

    public string Name => "audio-analysis";

    public string Description => "per WAV file: duration, RMS and peak level (dBFS too) and zero-crossing rate";

    public IReadOnlyList<WorkloadOption> Options => [PathOption, Pattern];

    public IWorkloadJob Prepare(IReadOnlyList<string> args)
    {
        var (root, pattern) = Parse(args);
        if (!Path.IsPathFullyQualified(root))
            throw new WorkloadArgumentException($"{Name}: --path must be an absolute path (every node reads it at the same place), got '{Cut(root)}'");
        if (!Directory.Exists(root))
            throw new WorkloadArgumentException($"{Name}: --path '{Cut(root)}' is not a directory");
        var options = new EnumerationOptions { RecurseSubdirectories = true, MatchCasing = MatchCasing.CaseInsensitive, IgnoreInaccessible = true };
        var files = Directory.EnumerateFiles(root, pattern, options)
            .Order(StringComparer.Ordinal)
            .Select(path => new FileInfo(path))
            .Select(info => new AudioInput(info.FullName, info.Length, new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeMilliseconds()))
            .ToList();
        if (files.Count == 0)
            throw new WorkloadArgumentException($"{Name}: no file matching '{Cut(pattern)}' below '{Cut(root)}'");
        return new AudioJob(files);
    }

    public IWorkloadJob Open(IReadOnlyList<string> args, ReadOnlyMemory<byte> manifest)
    {
        Parse(args);
        return new AudioJob(AudioManifest.Decode(manifest));
    }

    private (string Root, string Pattern) Parse(IReadOnlyList<string> args)
    {
        var parsed = new WorkloadArguments(Name, args);
        var root = parsed.Get(PathOption);
        var pattern = parsed.Get(Pattern);
        parsed.RejectUnknown();
        if (pattern.Length == 0 || pattern.Contains('/'))
            throw new WorkloadArgumentException($"{Name}: --pattern is a file name pattern such as *.wav, got '{Cut(pattern)}'");
        return (root, pattern);
    }

    private static string Cut(string text) => text.Length <= 100 ? text : text[..100] + "...";
}
