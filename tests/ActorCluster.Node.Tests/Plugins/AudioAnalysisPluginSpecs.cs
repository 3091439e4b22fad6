using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ActorCluster.Abstractions;
using ActorCluster.Core.Profiling;
using ActorCluster.Node.Plugins;

namespace ActorCluster.Node.Tests.Plugins;

/// <summary>The sample plugin, loaded as a node loads it, measured against <c>sox FILE -n stat</c> on files sox made.</summary>
public sealed class AudioAnalysisPluginSpecs : IDisposable
{
    private readonly string _wavs = Directory.CreateTempSubdirectory("wavs-").FullName;
    private readonly string _plugins = SamplePlugin.Folder();

    public void Dispose()
    {
        Directory.Delete(_wavs, recursive: true);
        Directory.Delete(_plugins, recursive: true);
    }

    private static bool HasSox => Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, "sox")));

    private static string Sox(params string[] args)
    {
        var start = new ProcessStartInfo("sox") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), "sox did not finish");
        Assert.True(process.ExitCode == 0, $"sox {string.Join(' ', args)}: {stderr}");
        return stdout.Result + stderr;
    }

    /// <summary>sox's stat figures by name, e.g. "RMS     amplitude".</summary>
    private static Dictionary<string, double> Stat(string path) =>
        Sox(path, "-n", "stat").Split('\n').Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .Where(p => double.TryParse(p[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            .ToDictionary(p => p[0].Trim(), p => double.Parse(p[1].Trim(), CultureInfo.InvariantCulture));

    private IWorkload Plugin() => Assert.Single(PluginLoader.Load(_plugins, []).Workloads).Workload;

    [Fact]
    public void Should_measure_duration_rms_peak_and_zero_crossings_as_sox_does()
    {
        Assert.SkipWhen(!HasSox, "sox is not installed (apt-get install -y sox; .ci/run installs it)");
        // name, sox output options, synth arguments, the tone's frequency (0 = noise)
        (string Name, string[] Format, string[] Synth, double Hz)[] files =
        [
            ("mono16.wav", ["-r", "44100", "-b", "16"], ["1.5", "sine", "440", "vol", "0.5"], 440),
            ("stereo24.wav", ["-r", "22050", "-c", "2", "-b", "24"], ["0.7", "sine", "1000", "vol", "0.8"], 1000),
            ("unsigned8.wav", ["-r", "8000", "-b", "8", "-e", "unsigned-integer"], ["2", "sine", "300", "vol", "0.3"], 300),
            ("float32.wav", ["-r", "48000", "-b", "32", "-e", "floating-point"], ["0.3", "sine", "2000", "vol", "0.9"], 2000),
            ("sub/noise16.wav", ["-r", "16000", "-b", "16"], ["1", "whitenoise", "vol", "0.25"], 0),
        ];
        Directory.CreateDirectory(Path.Combine(_wavs, "sub"));
        foreach (var f in files)
            Sox(["-n", .. f.Format, Path.Combine(_wavs, f.Name), "synth", .. f.Synth]);
        File.WriteAllText(Path.Combine(_wavs, "not-audio.wav"), "this is no RIFF file");

        var job = Plugin().Prepare(["--path", _wavs]);
        var output = job.Execute(new ItemRange(0, job.ItemCount), CancellationToken.None);
        var records = output.Records!.Select(r => JsonNode.Parse(r)!.AsObject()).ToDictionary(r => Path.GetRelativePath(_wavs, (string)r["path"]!));
        var aggregate = job.CreateAggregator();
        aggregate.Add(new ItemRange(0, job.ItemCount), output.Partial);

        Assert.Equal(WorkloadKind.AudioAnalysis, job.Kind);
        Assert.Equal(ProfilerPolicy.AudioAnalysis, ProfilerPolicies.ForKind(job.Kind));
        Assert.Equal(files.Length + 1, job.ItemCount);
        foreach (var f in files)
        {
            var sox = Stat(Path.Combine(_wavs, f.Name));
            var mine = records[f.Name];
            Assert.Equal(sox["Length (seconds)"], (double)mine["durationSeconds"]!, 1e-6);
            Assert.Equal(sox["RMS     amplitude"], (double)mine["rms"]!, 2e-6);
            Assert.Equal(Math.Max(sox["Maximum amplitude"], -sox["Minimum amplitude"]), (double)mine["peak"]!, 2e-6);
            Assert.Equal(sox["Samples read"], (long)mine["frames"]! * (int)mine["channels"]!);
            if (f.Hz > 0)
            {
                // A tone crosses zero twice a period: half the crossings per second is its frequency, which sox estimates
                // too (from the sample deltas, which for interleaved channels mix left and right: mono files only).
                var hz = (double)mine["zeroCrossingsPerSecond"]! / 2;
                Assert.InRange(hz, f.Hz * 0.98, f.Hz * 1.02);
                if ((int)mine["channels"]! == 1)
                    Assert.InRange(hz, sox["Rough   frequency"] * 0.95, sox["Rough   frequency"] * 1.05);
            }
        }
        Assert.Equal("not a RIFF/WAVE file", (string)records["not-audio.wav"]["error"]!);
        Assert.Equal(files.Length, (long)aggregate.ToJson()["files"]!);
        Assert.Equal(1, (long)aggregate.ToJson()["failed"]!);
    }

    [Fact]
    public void Should_rebuild_the_same_files_from_the_manifest_without_listing_again()
    {
        File.WriteAllBytes(Path.Combine(_wavs, "a.wav"), [1]);
        var plugin = Plugin();
        string[] args = ["--path", _wavs];

        var job = plugin.Prepare(args);
        File.WriteAllBytes(Path.Combine(_wavs, "b.wav"), [1, 2]);
        var reopened = plugin.Open(args, job.Manifest);

        Assert.Equal(1, reopened.ItemCount);
        Assert.Equal([1L], reopened.ItemSizes!);
    }
}
