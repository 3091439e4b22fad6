using ActorCluster.Abstractions;
using ActorCluster.Workloads;

namespace ActorCluster.Core.Tests.Workloads;

public sealed class MemhogWorkloadSpecs
{
    [Fact]
    public void Should_declare_itself_memory_heavy_with_its_memory_per_item()
    {
        var job = new MemhogWorkload().Prepare(["--items", "4", "--mb-per-item", "8"]);
        var underDeclared = new MemhogWorkload().Prepare(["--items", "4", "--mb-per-item", "8", "--declared-mb", "2"]);

        Assert.Equal((WorkloadKind.MemoryHeavy, 8L * 1024 * 1024), (job.Kind, job.MemoryPerItemBytes));
        Assert.Equal(2L * 1024 * 1024, underDeclared.MemoryPerItemBytes);
    }

    [Fact]
    public void Should_request_what_each_item_allocates_whatever_it_declares()
    {
        var underDeclared = new MemhogWorkload().Prepare(["--items", "4", "--mb-per-item", "8", "--declared-mb", "0"]);

        Assert.Equal(8L * 1024 * 1024, underDeclared.MemoryRequestPerItemBytes);
    }

    [Fact]
    public void Should_produce_the_independently_computed_checksum_however_items_are_split()
    {
        var job = new MemhogWorkload().Prepare(["--items", "5", "--mb-per-item", "2"]);
        var aggregate = job.CreateAggregator();

        foreach (var range in new[] { new ItemRange(0, 2), new ItemRange(2, 1), new ItemRange(3, 2) })
            aggregate.Add(range, job.Execute(range, CancellationToken.None).Partial);

        Assert.Equal(MemhogWorkload.ExpectedChecksum(5, 2).ToString("x16"), aggregate.ToJson()["checksum"]!.GetValue<string>());
        Assert.Equal(5, aggregate.ToJson()["items"]!.GetValue<long>());
    }

    [Fact]
    public void Should_reject_bad_arguments_with_a_one_line_reason()
    {
        var error = Assert.Throws<WorkloadArgumentException>(() => new MemhogWorkload().Prepare(["--items", "4"]));

        Assert.Equal("memhog: --mb-per-item is required", error.Message);
    }
}
