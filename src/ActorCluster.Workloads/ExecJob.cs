using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ActorCluster.Abstractions;

namespace ActorCluster.Workloads;

/// <summary>An exec job: its inputs fixed in the manifest; each item runs the command for one input, in order.</summary>
internal sealed class ExecJob(CommandTemplate template, string[] inputs, TimeSpan? timeout, byte[] manifest) : IWorkloadJob
{
    public long ItemCount => inputs.Length;

    // Commands like those xargs -P runs are mostly compute; one per core is what `xargs -P $(nproc)` does too.
    public WorkloadKind Kind => WorkloadKind.CpuBound;

    public long MemoryPerItemBytes => 0;

    public ReadOnlyMemory<byte> Manifest => manifest;

    public IReadOnlyList<string> Inputs => inputs;

    public BatchOutput Execute(ItemRange range, CancellationToken cancellation)
    {
        long succeeded = 0, failed = 0, timedOut = 0;
        var records = new string[range.Count];
        for (var i = range.Start; i < range.End; i++)
        {
            var input = inputs[i];
            var outcome = CommandRunner.Run(template.For(input), timeout, cancellation);
            if (outcome.Succeeded) succeeded++;
            else failed++;
            if (outcome.TimedOut) timedOut++;
            records[i - range.Start] = Record(input, outcome);
        }
        return new BatchOutput(ExecAggregator.Partial(range.Count, succeeded, failed, timedOut), records);
    }

    public IResultAggregator CreateAggregator() => new ExecAggregator();

    // Paths and output stay readable (é, not \u00e9); JSON's own escapes still apply.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One item's line of results.jsonl.</summary>
    public static string Record(string input, CommandOutcome outcome)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            json.WriteStartObject();
            json.WriteString("input", input);
            if (outcome.ExitCode is { } code) json.WriteNumber("exitCode", code);
            else json.WriteNull("exitCode");
            json.WriteBoolean("timedOut", outcome.TimedOut);
            json.WriteNumber("durationMs", Math.Round(outcome.Duration.TotalMilliseconds, 3));
            json.WriteString("stdout", Encoding.UTF8.GetString(outcome.Stdout));
            json.WriteNumber("stdoutBytes", outcome.StdoutBytes);
            json.WriteString("stderr", Encoding.UTF8.GetString(outcome.Stderr));
            json.WriteNumber("stderrBytes", outcome.StderrBytes);
            if (outcome.Error is { } error) json.WriteString("error", error);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
