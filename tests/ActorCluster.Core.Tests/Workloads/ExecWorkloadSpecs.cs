using System.Diagnostics;
using System.Text.Json.Nodes;
using ActorCluster.Abstractions;
using ActorCluster.Workloads;

namespace ActorCluster.Core.Tests.Workloads;

public sealed class ExecWorkloadSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("exec-specs-").FullName;
    private readonly ExecWorkload _exec = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Files whose names need quoting in any shell: spaces, quotes, non-ASCII, a leading dash; one empty.</summary>
    private List<string> MakeFiles()
    {
        var names = new[] { "plain.txt", "with space.txt", "it's \"quoted\".txt", "ünïcødé ♫.txt", "-dash.txt", "empty.txt", "$(echo no).txt" };
        var paths = new List<string>();
        for (var i = 0; i < names.Length; i++)
        {
            var path = Path.Combine(_dir, names[i]);
            File.WriteAllText(path, names[i] == "empty.txt" ? "" : string.Concat(Enumerable.Repeat($"line {i}\n", i + 1)));
            paths.Add(path);
        }
        return paths;
    }

    private static List<JsonObject> RunAll(IWorkloadJob job, int batch, out ExecAggregator result)
    {
        result = (ExecAggregator)job.CreateAggregator();
        var records = new List<JsonObject>();
        for (long start = 0; start < job.ItemCount; start += batch)
        {
            var range = new ItemRange(start, Math.Min(batch, job.ItemCount - start));
            var output = job.Execute(range, CancellationToken.None);
            result.Add(range, output.Partial);
            Assert.Equal(range.Count, output.Records!.Count);
            records.AddRange(output.Records.Select(r => JsonNode.Parse(r)!.AsObject()));
        }
        return records;
    }

    /// <summary>The independent run: bash, with the input quoted by bash's own rules, one command after the other.</summary>
    private static (int Exit, string Stdout, string Stderr) OneByOne(string script, string input)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"{script} {BashQuote(input)}");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }

    private static string BashQuote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    [Fact]
    public void Should_give_per_item_what_running_the_same_commands_one_by_one_gives()
    {
        var paths = MakeFiles();
        paths.Add(Path.Combine(_dir, "missing file.txt")); // wc fails on it: exit 1, message on stderr
        var inputs = Path.Combine(_dir, "inputs.list");
        File.WriteAllLines(inputs, paths);

        var job = _exec.Prepare(["--command", "wc -l -c -- {}", "--inputs", inputs]);
        var records = RunAll(job, batch: 3, out var result);

        Assert.Equal(paths.Count, records.Count);
        for (var i = 0; i < paths.Count; i++)
        {
            var expected = OneByOne("wc -l -c --", paths[i]);
            Assert.Equal(paths[i], (string)records[i]["input"]!);
            Assert.Equal(expected.Exit, (int)records[i]["exitCode"]!);
            Assert.Equal(expected.Stdout, (string)records[i]["stdout"]!);
            Assert.Equal(expected.Stderr, (string)records[i]["stderr"]!);
            Assert.False((bool)records[i]["timedOut"]!);
            Assert.True((double)records[i]["durationMs"]! >= 0);
        }
        Assert.Equal("""{"items":8,"succeeded":7,"failed":1,"timedOut":0}""", result.ToJson().ToJsonString());
    }

    [Fact]
    public void Should_count_as_failed_items_the_commands_that_exit_non_zero_also_after_a_restore()
    {
        var paths = MakeFiles();
        var inputs = Path.Combine(_dir, "inputs.list");
        File.WriteAllLines(inputs, paths);

        // Exit with the input's line count modulo 3: the items that fail are those bash says exit non-zero.
        var job = _exec.Prepare(["--command", "sh -c 'exit $(( $(wc -l < \"$1\") % 3 ))' sh {}", "--inputs", inputs]);
        var records = RunAll(job, batch: 2, out var result);
        var restored = (ExecAggregator)job.CreateAggregator();
        restored.Load(result.Save());

        var expected = paths.Count(p => OneByOne("sh -c 'exit $(( $(wc -l < \"$1\") % 3 ))' sh", p).Exit != 0);
        Assert.InRange(expected, 1, paths.Count - 1);
        Assert.Equal(expected, records.Count(r => (int)r["exitCode"]! != 0));
        Assert.Equal(expected, ((IResultAggregator)result).FailedItems);
        Assert.Equal(expected, ((IResultAggregator)restored).FailedItems);
    }

    [Fact]
    public void Should_list_glob_matches_once_in_path_order_and_reopen_them_from_the_manifest()
    {
        var paths = MakeFiles();
        var args = new[] { "--command", "cat {}", "--glob", Path.Combine(_dir, "*.txt") };

        var job = _exec.Prepare(args);
        File.WriteAllText(Path.Combine(_dir, "added later.txt"), "x");
        var reopened = _exec.Open(args, job.Manifest);

        Assert.Equal(paths.Order(StringComparer.Ordinal), RunAll(job, 100, out _).Select(r => (string)r["input"]!));
        Assert.Equal(paths.Count, reopened.ItemCount);
        Assert.Equal(job.Manifest.ToArray(), reopened.Manifest.ToArray());
    }

    [Fact]
    public void Should_kill_a_command_and_its_children_at_the_timeout_and_report_the_item_failed()
    {
        var pidFile = Path.Combine(_dir, "child.pid");
        var inputs = Path.Combine(_dir, "inputs.list");
        File.WriteAllLines(inputs, [pidFile]);
        var clock = Stopwatch.StartNew();

        var job = _exec.Prepare(["--command", "sh -c 'sleep 30 & echo $! > \"$1\"; wait' sh {}", "--inputs", inputs, "--timeout", "0.5"]);
        var record = RunAll(job, 1, out var result).Single();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.True((bool)record["timedOut"]!);
        Assert.Null(record["exitCode"]);
        Assert.Equal("""{"items":1,"succeeded":0,"failed":1,"timedOut":1}""", result.ToJson().ToJsonString());
        var child = int.Parse(File.ReadAllText(pidFile).Trim());
        Assert.False(Directory.Exists($"/proc/{child}") && !File.ReadAllText($"/proc/{child}/stat").Contains(") Z "), $"the child sleep {child} outlived the timeout");
    }

    [Fact]
    public void Should_keep_the_first_64_KB_of_output_and_drain_the_rest_without_blocking()
    {
        var inputs = Path.Combine(_dir, "inputs.list");
        File.WriteAllLines(inputs, ["20000000"]);

        var job = _exec.Prepare(["--command", "sh -c 'head -c \"$1\" /dev/zero | tr \"\\0\" a; head -c 100000 /dev/zero | tr \"\\0\" b >&2' sh {}", "--inputs", inputs, "--timeout", "60"]);
        var record = RunAll(job, 1, out _).Single();

        Assert.Equal(0, (int)record["exitCode"]!);
        Assert.Equal(20_000_000, (long)record["stdoutBytes"]!);
        Assert.Equal(new string('a', CommandRunner.OutputLimit), (string)record["stdout"]!);
        Assert.Equal(100_000, (long)record["stderrBytes"]!);
        Assert.Equal(CommandRunner.OutputLimit, ((string)record["stderr"]!).Length);
    }

    [Fact]
    public void Should_refuse_at_submit_a_command_that_is_not_on_the_path()
    {
        File.WriteAllLines(Path.Combine(_dir, "inputs.list"), ["x"]);

        var error = Assert.Throws<WorkloadArgumentException>(() =>
            _exec.Prepare(["--command", "no-such-command-xyz {}", "--inputs", Path.Combine(_dir, "inputs.list")]));

        Assert.Equal("exec: command 'no-such-command-xyz' not found on PATH", error.Message);
    }

    [Fact]
    public void Should_fail_the_item_alone_when_its_program_cannot_start()
    {
        var inputs = Path.Combine(_dir, "inputs.list");
        File.WriteAllLines(inputs, ["/bin/true", Path.Combine(_dir, "not-a-program")]);

        var records = RunAll(_exec.Prepare(["--command", "{}", "--inputs", inputs]), 2, out var result);

        Assert.Equal(0, (int)records[0]["exitCode"]!);
        Assert.Null(records[1]["exitCode"]);
        Assert.StartsWith($"cannot run '{Path.Combine(_dir, "not-a-program")}':", (string)records[1]["error"]!);
        Assert.Equal("""{"items":2,"succeeded":1,"failed":1,"timedOut":0}""", result.ToJson().ToJsonString());
    }

    [Theory]
    [InlineData(new[] { "--command", "cat {}" }, "exec: give either --inputs FILE or --glob PATTERN")]
    [InlineData(new[] { "--command", "cat {}", "--glob", "*.txt" }, "exec: --glob must be an absolute pattern (every node reads it at the same place), got '*.txt'")]
    [InlineData(new[] { "--command", "cat {}", "--inputs", "list.txt" }, "exec: --inputs must be an absolute path (every node reads it at the same place), got 'list.txt'")]
    [InlineData(new[] { "--command", "cat {}", "--inputs", "/no/such/list" }, "exec: --inputs file '/no/such/list' does not exist")]
    [InlineData(new[] { "--command", "cat {}", "--glob", "/no/such/dir/*.txt" }, "exec: --glob directory '/no/such/dir' does not exist")]
    [InlineData(new[] { "--command", "/no/such/program {}", "--glob", "/tmp/*" }, "exec: command '/no/such/program' does not exist or is not executable")]
    public void Should_reject_bad_arguments_in_one_line(string[] args, string message)
    {
        var error = Assert.Throws<WorkloadArgumentException>(() => _exec.Prepare(args));

        Assert.Equal(message, error.Message);
    }
}
