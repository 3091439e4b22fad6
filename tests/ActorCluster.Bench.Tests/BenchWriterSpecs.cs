using ActorCluster.Bench;

namespace ActorCluster.Bench.Tests;

public sealed class BenchWriterSpecs
{
    private static BenchRow Row(string runner, double seconds, bool correct = true, double? ratio = null) => new()
    {
        Section = "one node",
        Scenario = "cpu 1000 us",
        Runner = runner,
        Items = 1000,
        Seconds = seconds,
        RatioToParallelForEach = ratio,
        MakespanOverLowerBound = 1.02,
        Correct = correct,
    };

    private static BenchResults Result(params BenchRow[] rows) => new()
    {
        Mode = "quick",
        StartedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        TotalSeconds = 61,
        Machine = new MachineInfo("Test CPU", 2, 24L << 30, "Linux", "10.0.0", "1.00 1.00 1.00", "2.00 2.00 2.00", 850),
        Workers = 2,
        Rows = rows,
        Targets = [new TargetResult("tiny items", ">= 0.8x Parallel.ForEach", "0.91x", true), new TargetResult("hand-out", ">= 10,000 batches/s", "6,000 batches/s", false)],
        Measurements = new Dictionary<string, double> { ["handout.batchesPerSecond"] = 6000 },
        Notes = ["a note"],
        Failures = [],
    };

    [Fact]
    public void Should_derive_items_per_second_from_items_and_seconds()
    {
        Assert.Equal(2000, Row("sequential", 0.5).ItemsPerSecond);
        Assert.Equal(0, Row("sequential", 0).ItemsPerSecond);
    }

    [Fact]
    public void Should_round_trip_bench_json()
    {
        var result = Result(Row("sequential", 1.0), Row("Parallel.ForEach", 0.5, ratio: 1.0));

        var back = BenchWriter.FromJson(BenchWriter.ToJson(result));

        Assert.Equal(result.Rows, back.Rows);
        Assert.Equal(result.Targets, back.Targets);
        Assert.Equal(6000, back.Measurements["handout.batchesPerSecond"]);
        Assert.Contains("\"itemsPerSecond\": 2000", BenchWriter.ToJson(result));
    }

    [Fact]
    public void Should_print_one_table_line_per_row_under_its_section_and_flag_wrong_results()
    {
        var table = BenchWriter.Table([Row("sequential", 1.0), Row("shared queue", 2.0, correct: false)]);
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.StartsWith("scenario", lines[0]);
        Assert.Equal("-- one node", lines[1]);
        Assert.Contains("1.0 k", lines[2]);
        Assert.EndsWith("yes", lines[2].TrimEnd());
        Assert.EndsWith("WRONG", lines[3].TrimEnd());
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public void Should_write_markdown_with_the_machine_every_row_and_every_target()
    {
        var md = BenchWriter.Markdown(Result(Row("sequential", 1.0), Row("ActorCluster 1 node", 0.55, ratio: 0.95)));

        Assert.Contains("Test CPU, 2 logical cores", md);
        Assert.Contains("| **one node** |", md);
        Assert.Contains("| cpu 1000 us | ActorCluster 1 node | 1,000 | 1.8 k | 0.95 | 1.02 |", md);
        Assert.Contains("| hand-out | >= 10,000 batches/s | 6,000 batches/s | **no** |", md);
        Assert.Contains("| tiny items | >= 0.8x Parallel.ForEach | 0.91x | yes |", md);
    }

    [Theory]
    [InlineData(12.3, "12")]
    [InlineData(4_567, "4.6 k")]
    [InlineData(12_345_678, "12.35 M")]
    public void Should_format_rates_compactly(double perSecond, string expected) =>
        Assert.Equal(expected, BenchWriter.FormatRate(perSecond));
}
