using System.Text.Json.Nodes;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Core.Tests.Results;

public sealed class ResultLinesSpecs
{
    private static StoredRecords Block(long start, int count, string tag = "") =>
        new(start, count, RecordBlock.Encode(Enumerable.Range(0, count).Select(i => $"{{\"v\":\"{tag}{start + i}\"}}").ToList()));

    [Fact]
    public void Should_give_every_item_once_in_order_when_a_rerun_stored_overlapping_blocks()
    {
        // [0,10) counted, then after a failover [5,15) ran again split differently and [10,20) too.
        StoredRecords[] blocks = [Block(0, 10), Block(5, 10, "again-"), Block(10, 10)];

        var (lines, next) = ResultLines.From(blocks, 0);

        Assert.Equal(20, next);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), lines.Select(l => (long)JsonNode.Parse(l)!["item"]!));
    }

    [Fact]
    public void Should_start_inside_a_block_and_stop_at_a_block_boundary_past_the_limit()
    {
        StoredRecords[] blocks = [Block(0, 10), Block(10, 10), Block(20, 10)];

        var (lines, next) = ResultLines.From(blocks, 7, maxChars: 70);

        Assert.Equal(20, next);
        Assert.Equal(Enumerable.Range(7, 13).Select(i => (long)i), lines.Select(l => (long)JsonNode.Parse(l)!["item"]!));
    }

    [Theory]
    [InlineData("{\"a\":1}", "{\"item\":3,\"a\":1}")]
    [InlineData("{}", "{\"item\":3}")]
    [InlineData("{\n  \"a\": 1\n}", "{\"item\":3,\"a\":1}")]
    [InlineData("not json", "{\"item\":3,\"record\":\"not json\"}")]
    public void Should_put_the_item_index_first_on_one_line(string record, string line)
    {
        Assert.Equal(line, ResultLines.Line(3, record));
    }
}
