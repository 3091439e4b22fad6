using ActorCluster.Abstractions;
using ActorCluster.Core.Profiling;

namespace ActorCluster.Core.Tests.Profiling;

public sealed class ItemSizeTraitsSpecs
{
    private const long Mb = 1024 * 1024;

    public static TheoryData<long[], int> Trees => new()
    {
        { [.. Enumerable.Repeat(4 * Mb, 1000)], 45 },
        { [.. Enumerable.Repeat(200 * Mb, 10), .. Enumerable.Repeat(Mb, 100)], 30 },
        // 5,000 tiny files and three 2 GB ones: the bytes are in the big files, so the pool is sized for them.
        { [.. Enumerable.Repeat(2048 * Mb, 3), .. Enumerable.Repeat(16 * 1024L, 5000)], 15 },
        { [], 45 },
    };

    [Theory]
    [MemberData(nameof(Trees))]
    public void Should_size_the_io_bound_pool_from_the_items_real_sizes(long[] sizes, int workers)
    {
        var traits = WorkloadTraits.Of(WorkloadKind.IoBound, 0, sizes);

        var plan = WorkerPolicies.IoBound(Machines.Of(8, 64), traits);

        Assert.Equal(workers, plan.PoolSize);
    }

    [Fact]
    public void Should_let_the_memory_aware_policy_fit_the_declared_bytes_per_item()
    {
        var traits = WorkloadTraits.Of(WorkloadKind.MemoryHeavy, 8L * 1024 * Mb, null);

        var plan = WorkerPolicies.MemoryAware(Machines.Of(16, 32), traits);

        Assert.InRange(plan.PoolSize, 1, 3);
        Assert.Contains("8192 MB per item", plan.Reason);
    }
}
