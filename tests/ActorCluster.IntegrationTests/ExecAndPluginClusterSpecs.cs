using System.Diagnostics;
using System.Text;
using ActorCluster.Protocol.Processes;

namespace ActorCluster.IntegrationTests;

/// <summary>exec and plugins on 3-process clusters: who may run what, and that the work done equals the same work done by hand.</summary>
public sealed class ExecAndPluginClusterSpecs : IDisposable
{
    private static readonly TimeSpan SubmitTimeout = TimeSpan.FromMinutes(2);
    private readonly string _data = Directory.CreateTempSubdirectory("exec-plugin-it-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static string Sha256Sum(string path)
    {
        var start = new ProcessStartInfo("sha256sum") { RedirectStandardOutput = true };
        start.ArgumentList.Add("--");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    [Fact]
    public async Task Should_run_exec_on_allow_exec_nodes_as_the_same_commands_run_one_by_one_give()
    {
        var inputs = Directory.CreateDirectory(Path.Combine(_data, "in put's")).FullName;
        var files = Enumerable.Range(0, 60).Select(i => Path.Combine(inputs, $"file {i:D2} ü\"{(i % 15 == 0 ? "fail" : "ok")}.txt")).ToList();
        for (var i = 0; i < files.Count; i++)
            await File.WriteAllTextAsync(files[i], new string('x', i * 100));
        using var cluster = await LocalCluster.StartAsync(2, db: null, "--allow-exec");

        // Each item writes its sha256sum beside its input; inputs named *fail* exit 7 instead.
        var (result, report) = await cluster.SubmitAsync(SubmitTimeout, "exec", "--command",
            "sh -c 'case \"$1\" in *fail*) exit 7;; esac; sha256sum -- \"$1\" > \"$1.sha\"' sh {}", "--glob", Path.Combine(inputs, "*.txt"));
        var unknown = await cluster.SubmitAsync(SubmitTimeout, "audio-analysis", "--path", inputs);

        // The job completes, but a script must be able to tell that 4 commands failed, as with xargs.
        Assert.True(result.ExitCode == 3, result + cluster.Logs);
        Assert.Matches(@"^error: job j-[0-9a-f-]+ completed, but 4 of 60 items failed$", result.StderrLines.Last());
        Assert.Equal("""{"items":60,"succeeded":56,"failed":4,"timedOut":0}""", report!["result"]!.ToJsonString());
        Assert.Equal(4, (long)report["itemsFailed"]!);
        foreach (var file in files)
        {
            if (file.Contains("fail")) Assert.False(File.Exists(file + ".sha"), file);
            else Assert.Equal(Sha256Sum(file), await File.ReadAllTextAsync(file + ".sha"));
        }
        Assert.Equal(1, unknown.Result.ExitCode);
        Assert.Contains("error: unknown workload 'audio-analysis'", unknown.Result.Stderr);
    }

    [Fact]
    public async Task Should_refuse_exec_without_allow_exec_and_run_a_plugin_only_on_the_nodes_that_have_it()
    {
        var plugins = Directory.CreateDirectory(Path.Combine(_data, "plugins")).FullName;
        const string name = "ActorCluster.Samples.AudioAnalysis";
        File.Copy(BuiltPrograms.Locate(name, name, AppContext.BaseDirectory), Path.Combine(plugins, name + ".dll"));
        var wavs = Directory.CreateDirectory(Path.Combine(_data, "wavs")).FullName;
        for (var i = 0; i < 40; i++)
            await File.WriteAllBytesAsync(Path.Combine(wavs, $"tone{i:D2}.wav"), Wav(8000, 0.25 + i % 4 * 0.25));
        using var cluster = await LocalCluster.StartAsync(1, db: null, "--plugins", plugins);
        var without = cluster.AddNodeWithoutExtraArgs();
        await without.WaitUpAsync(TimeSpan.FromSeconds(60));

        var exec = await cluster.SubmitAsync(SubmitTimeout, "exec", "--command", "true", "--glob", Path.Combine(wavs, "*.wav"));
        var (result, report) = await cluster.SubmitAsync(SubmitTimeout, "audio-analysis", "--path", wavs);

        Assert.Equal(1, exec.Result.ExitCode);
        Assert.Equal("error: no worker node runs workload 'exec': none of the 3 worker nodes that are up allows it " +
                     "(nodes run exec only when started with --allow-exec, env ACTORCLUSTER_ALLOW_EXEC=true or actorcluster.allow-exec = true)",
            exec.Result.StderrLines.Last());
        Assert.True(result.ExitCode == 0, result + cluster.Logs);
        Assert.Equal(40, (long)report!["result"]!["files"]!);
        Assert.Equal(40 * 0.625, (double)report["result"]!["totalSeconds"]!, 1e-9);
        var nodes = report["nodes"]!.AsArray().Select(n => (string)n!["address"]!).ToList();
        // The node without the plugin was up (the exec refusal counted 3 worker nodes) and ran nothing of the job.
        Assert.DoesNotContain(without.Address, nodes);
        Assert.NotEmpty(nodes);
    }

    /// <summary>A 16-bit mono WAV of a 440 Hz tone.</summary>
    private static byte[] Wav(int rate, double seconds)
    {
        var frames = (int)(rate * seconds);
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream, Encoding.ASCII);
        w.Write("RIFF"u8); w.Write(36 + frames * 2); w.Write("WAVE"u8);
        w.Write("fmt "u8); w.Write(16); w.Write((short)1); w.Write((short)1); w.Write(rate); w.Write(rate * 2); w.Write((short)2); w.Write((short)16);
        w.Write("data"u8); w.Write(frames * 2);
        for (var i = 0; i < frames; i++) w.Write((short)(Math.Sin(2 * Math.PI * 440 * i / rate) * 16000));
        w.Flush();
        return stream.ToArray();
    }
}
