using System.Text.Json.Nodes;
using ActorCluster.Abstractions;
using ActorCluster.Tests.Shared;
using ActorCluster.Workloads;

namespace ActorCluster.Core.Tests.Workloads;

public sealed class FilesWorkloadSpecs : IDisposable
{
    private readonly string _root = FileTreeFixture.Create(bigFileBytes: 110L * 1024 * 1024);

    public void Dispose() => FileTreeFixture.Delete(_root);

    /// <summary>Runs the whole job in a few uneven batches; the records by path, and the aggregate.</summary>
    private static (Dictionary<string, JsonObject> Records, JsonObject Result) RunAll(IWorkloadJob job)
    {
        var records = new Dictionary<string, JsonObject>();
        var aggregate = job.CreateAggregator();
        for (long start = 0, size = 1; start < job.ItemCount; start += size, size = size * 2 + 1)
        {
            var range = new ItemRange(start, Math.Min(size, job.ItemCount - start));
            var output = job.Execute(range, CancellationToken.None);
            aggregate.Add(range, output.Partial);
            Assert.Equal(range.Count, output.Records!.Count);
            foreach (var record in output.Records!)
            {
                var o = JsonNode.Parse(record)!.AsObject();
                records.Add((string)o["path"]!, o);
            }
        }
        return (records, aggregate.ToJson());
    }

    [Fact]
    public void Should_give_the_hashes_of_sha256sum_and_the_line_counts_of_wc_for_every_file()
    {
        var expected = FileTreeFixture.Expected(_root);

        var (records, result) = RunAll(new FilesWorkload().Prepare(["--path", _root, "--recursive"]));

        Assert.Equal(expected.Keys.Order(), records.Keys.Order());
        foreach (var (path, (size, sha, lines)) in expected)
        {
            var record = records[path];
            Assert.Equal(size, (long)record["size"]!);
            Assert.Equal(sha, (string)record["sha256"]!);
            if (record["lines"] is null)
                Assert.True(File.ReadAllBytes(Path.Combine(_root, path)).Take(FilesWorkload.TextProbeBytes).Contains((byte)0), $"{path} counted as binary");
            else
                Assert.Equal(lines, (long)record["lines"]!);
        }
        Assert.Equal(expected.Count, (long)result["files"]!);
        Assert.Equal(expected.Values.Sum(e => e.Size), (long)result["bytes"]!);
        Assert.Equal(expected.Where(e => records[e.Key]["lines"] is not null).Sum(e => e.Value.Lines), (long)result["lines"]!);
        Assert.Equal(0, (long)result["failures"]!);
        Assert.Null(records["binary.bin"]["lines"]);
        Assert.Null(records["big sparse.img"]["lines"]);
        Assert.Equal(0, (long)records["empty.txt"]["lines"]!);
    }

    [Fact]
    public void Should_list_the_largest_files_first_and_give_their_sizes_to_the_profiler()
    {
        var job = new FilesWorkload().Prepare(["--path", _root, "--recursive"]);

        Assert.Equal(WorkloadKind.IoBound, job.Kind);
        Assert.Equal(110L * 1024 * 1024, job.ItemSizes![0]);
        Assert.Equal(job.ItemSizes.OrderDescending(), job.ItemSizes);
        Assert.Equal(job.ItemCount, job.ItemSizes.Count);
    }

    [Fact]
    public void Should_keep_to_the_top_directory_and_the_pattern_unless_told_otherwise()
    {
        var top = new FilesWorkload().Prepare(["--path", _root, "--pattern", "*.txt"]);

        var (records, _) = RunAll(top);

        Assert.Equal(["empty.txt", "grüße 日本.txt", "it's \"quoted\".txt", "no-newline.txt", "plain.txt", "with space.txt"], records.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Should_rebuild_the_job_from_its_manifest_without_listing_the_directory_again()
    {
        var workload = new FilesWorkload();
        var prepared = workload.Prepare(["--path", _root, "--recursive"]);
        File.WriteAllText(Path.Combine(_root, "added later.txt"), "new\n");
        File.Delete(Path.Combine(_root, "plain.txt"));

        var opened = workload.Open(["--path", _root, "--recursive"], prepared.Manifest);
        var (records, result) = RunAll(opened);

        Assert.Equal(prepared.ItemCount, opened.ItemCount);
        Assert.DoesNotContain("added later.txt", records.Keys);
        Assert.Contains("plain.txt", records.Keys);
        Assert.NotNull(records["plain.txt"]["error"]);
        Assert.Equal(1, (long)result["failures"]!);
    }

    [Fact]
    public void Should_fail_only_the_item_of_an_unreadable_file_and_say_why()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "dangling link"), Path.Combine(_root, "nowhere"));
        var job = new FilesWorkload().Prepare(["--path", _root]);

        var (records, result) = RunAll(job);

        Assert.Contains("Could not find file", (string)records["dangling link"]["error"]!);
        Assert.Equal(1, (long)result["failures"]!);
        Assert.Equal(records.Count - 1, (long)result["files"]!);
    }

    [Fact]
    public void Should_derive_the_same_partial_from_the_records_as_the_batch_gave()
    {
        var job = (ICacheableWorkloadJob)new FilesWorkload().Prepare(["--path", _root, "--recursive"]);
        var range = new ItemRange(0, job.ItemCount);

        var output = job.Execute(range, CancellationToken.None);

        Assert.Equal(output.Partial, job.PartialFromRecords(range, output.Records!));
        Assert.All(Enumerable.Range(0, (int)job.ItemCount), i => Assert.Contains(_root, job.ItemKey(i)));
    }

    [Theory]
    [InlineData(new[] { "--path", "/no/such/dir" }, "files: --path '/no/such/dir' does not exist")]
    [InlineData(new[] { "--recursive" }, "files: --path is required")]
    [InlineData(new[] { "--path", "/tmp", "--recursive", "yes" }, "files: --recursive takes no value (or true/false), got 'yes'")]
    [InlineData(new[] { "--path", "/tmp", "--pattern", "a/b" }, "files: --pattern matches file names: no '/' and not empty, got 'a/b'")]
    [InlineData(new[] { "--path", "/tmp", "--pattern" }, "files: --pattern needs a value")]
    public void Should_refuse_bad_arguments_in_one_line(string[] args, string message)
    {
        var error = Assert.Throws<WorkloadArgumentException>(() => new FilesWorkload().Prepare(args));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Should_describe_its_options_for_help()
    {
        var options = new FilesWorkload().Options;

        Assert.Equal(["--path DIR", "[--pattern GLOB]", "[--recursive]"], options.Select(o => o.Synopsis));
    }
}
