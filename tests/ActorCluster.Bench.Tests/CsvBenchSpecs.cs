using ActorCluster.Abstractions;
using ActorCluster.Bench;
using ActorCluster.Workloads.Csv;

namespace ActorCluster.Bench.Tests;

public sealed class CsvBenchSpecs : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("csv-bench-specs-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Should_give_the_parallel_foreach_baseline_and_the_workloads_report_the_same_digest()
    {
        var path = Path.Combine(_dir.FullName, "sales.csv");
        var rows = CsvBench.Generate(path, 3 * 1024 * 1024);
        var job = new CsvWorkload().Prepare([.. CsvBench.Args(path), "--chunk-size", "5000"]);
        var aggregate = job.CreateAggregator();
        for (var chunk = job.ItemCount - 1; chunk >= 0; chunk--)
            aggregate.Add(new ItemRange(chunk, 1), job.Execute(new ItemRange(chunk, 1), CancellationToken.None).Partial);

        var baseline = CsvBench.ParallelForEach(path);
        var workload = CsvBench.FromResultJson(aggregate.ToJson().ToJsonString());

        Assert.Equal(rows, baseline.Digest.Count);
        Assert.Equal(baseline.Digest, workload);
        Assert.True(job.ItemCount > 2, $"{job.ItemCount} chunks");
    }

    [Fact]
    public void Should_change_the_digest_when_one_sum_changes()
    {
        var one = """{"groups":{"k1":{"count":2,"sums":{"qty":3,"price":4.5}}}}""";
        var other = """{"groups":{"k1":{"count":2,"sums":{"qty":3,"price":4.51}}}}""";
        var sameValue = """{"groups":{"k1":{"count":2,"sums":{"qty":3,"price":4.50}}}}""";

        Assert.NotEqual(CsvBench.FromResultJson(one), CsvBench.FromResultJson(other));
        Assert.Equal(CsvBench.FromResultJson(one), CsvBench.FromResultJson(sameValue));
    }
}
