using ActorCluster.Core.Agents;
using ActorCluster.Core.Tests.Profiling;

namespace ActorCluster.Core.Tests.Agents;

public sealed class NodeBoundsSpecs
{
    private const long Mb = 1024 * 1024;

    [Theory]
    [InlineData(7, 7)]
    [InlineData(128, 128)]
    [InlineData(129, 128)]
    [InlineData(int.MaxValue, 128)]
    [InlineData(0, 1)]
    [InlineData(int.MinValue, 1)]
    public void Should_clamp_a_pool_size_change_to_what_start_up_settings_allow_on_this_machine(int asked, int expected)
    {
        var bounds = NodeBounds.Of(Machines.Of(cores: 2, memoryGb: 4));

        Assert.Equal(expected, bounds.ClampWorkers(asked));
    }

    [Fact]
    public void Should_refuse_items_that_each_need_more_than_the_tightest_memory_limit()
    {
        var bounds = NodeBounds.Of(Machines.Of(cores: 4, memoryGb: 16) with { CgroupMemoryLimitBytes = 2048 * Mb, UserMemoryLimitBytes = 1024 * Mb });

        var refusal = bounds.MemoryRefusal(1025 * Mb);

        Assert.Equal("one item needs 1025 MB, more than this node's memory limit of 1024 MB", refusal);
        Assert.Null(bounds.MemoryRefusal(1024 * Mb));
    }

    [Fact]
    public void Should_refuse_no_memory_request_when_the_limit_is_unknown_and_still_bound_the_pool()
    {
        var bounds = NodeBounds.Unknown;

        Assert.Null(bounds.MemoryRefusal(long.MaxValue));
        Assert.Equal(4096, bounds.ClampWorkers(int.MaxValue));
    }
}
