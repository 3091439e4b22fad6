using System.Text.Json;
using ActorCluster.Cli;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol;

namespace ActorCluster.Cli.Tests;

public sealed class FinalSummarySpecs
{
    internal static JobStatus Finished(string? resultJson, JobPhase state = JobPhase.Completed) => new(
        "j-1", "lfsr", state, 1000, 1000, 7, 2000, 0, 0,
        [new NodeTally("akka.tcp://actorcluster@10.0.0.1:4053", 2, 4, 600, 1500), new NodeTally("akka.tcp://actorcluster@10.0.0.2:4053", 2, 3, 400, 1100)],
        resultJson, null, ["--degree", "10"]);

    [Fact]
    public void Should_say_state_items_duration_rate_and_one_line_per_node()
    {
        var lines = FinalSummary.Lines(Finished("""{"checksum":"ab","items":1000}"""), null);

        Assert.Equal("job j-1 Completed: 1,000/1,000 items in 7 batches, 2.00 s (500 items/s)", lines[0]);
        Assert.Equal("  akka.tcp://actorcluster@10.0.0.1:4053: 2 workers, 4 batches, 600 items, busy 1,500 ms", lines[1]);
        Assert.Equal("  akka.tcp://actorcluster@10.0.0.2:4053: 2 workers, 3 batches, 400 items, busy 1,100 ms", lines[2]);
    }

    [Fact]
    public void Should_indent_a_long_result_cut_to_a_few_lines_and_point_to_the_report()
    {
        var taps = Enumerable.Range(0, 5000).Select(i => $"{i:x8}").ToArray();
        var result = JsonSerializer.Serialize(new { taps, count = taps.Length });

        var lines = FinalSummary.Lines(Finished(result), "out/report.json");

        var shown = lines.SkipWhile(l => l != "result:").ToList();
        Assert.Equal(1 + FinalSummary.ResultLines + 1, shown.Count);
        Assert.Equal("  {", shown[1]);
        Assert.Equal("    \"taps\": [", shown[2]);
        Assert.Equal("      \"00000000\",", shown[3]);
        // The indented result has 5000 taps + 5 lines of braces, brackets and "count"; the rest is counted, not shown.
        Assert.Equal($"  ... {5005 - FinalSummary.ResultLines:N0} more lines: the whole result is in out/report.json", shown[^1]);
        Assert.All(lines, l => Assert.True(l.Length <= FinalSummary.LineWidth + 20, l));
    }

    [Fact]
    public void Should_show_a_short_result_on_one_line()
    {
        var lines = FinalSummary.Lines(Finished("""{"checksum":"f03d1879465fe1af","items":10}"""), null);

        Assert.Equal("result: {\"checksum\":\"f03d1879465fe1af\",\"items\":10}", lines[^1]);
    }

    [Fact]
    public void Should_cut_one_huge_line_and_name_its_length()
    {
        var lines = FinalSummary.Lines(Finished(JsonSerializer.Serialize(new string('x', 10_000))), null);

        Assert.StartsWith("result: \"xxx", lines[^1]);
        Assert.EndsWith("(10010 chars)", lines[^1]);
    }
}
