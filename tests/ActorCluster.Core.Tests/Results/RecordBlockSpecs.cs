using System.Text;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Core.Tests.Results;

public sealed class RecordBlockSpecs
{
    [Fact]
    public void Should_give_back_the_records_it_encoded_in_order()
    {
        string[] records = ["{\"a\":1}", "{}", "{\"path\":\"ü ' \\\" x\"}", ""];

        var decoded = RecordBlock.Decode(RecordBlock.Encode(records), records.Length);

        Assert.Equal(records, decoded);
    }

    [Fact]
    public void Should_replace_a_record_over_the_cap_by_a_truncation_marker_so_the_item_keeps_one_record()
    {
        var huge = "{\"out\":\"" + new string('x', RecordBlock.MaxRecordBytes) + "\"}";

        var decoded = RecordBlock.Decode(RecordBlock.Encode(["{}", huge]), 2);

        Assert.Equal("{}", decoded[0]);
        Assert.Equal(RecordBlock.Truncated(Encoding.UTF8.GetByteCount(huge)), decoded[1]);
    }

    [Fact]
    public void Should_refuse_a_block_whose_count_is_not_the_items_count()
    {
        var block = RecordBlock.Encode(["{}", "{}"]);

        Assert.Throws<InvalidDataException>(() => RecordBlock.Decode(block, 3));
        Assert.Throws<InvalidDataException>(() => RecordBlock.Decode([1, 2, 3], 1));
    }

    [Fact]
    public void Should_split_records_into_blocks_of_bounded_text_that_cover_every_item_once()
    {
        var records = Enumerable.Range(0, 1000).Select(i => $"{{\"i\":{i},\"pad\":\"{new string('p', 900)}\"}}").ToList();

        var blocks = RecordBlock.Split(500, records, 64 * 1024);

        Assert.True(blocks.Count > 10);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => 500L + i),
            blocks.SelectMany(b => Enumerable.Range(0, (int)b.Count).Select(i => b.Start + i)));
        Assert.All(blocks, b => Assert.True(RecordBlock.Decode(b.Block, b.Count).Sum(r => r.Length + 4) <= 64 * 1024));
        Assert.Equal(records, blocks.SelectMany(b => RecordBlock.Decode(b.Block, b.Count)));
    }
}
