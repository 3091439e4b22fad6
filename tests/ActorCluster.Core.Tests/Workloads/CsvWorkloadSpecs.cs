using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ActorCluster.Abstractions;
using ActorCluster.Core.Profiling;
using ActorCluster.Tests.Shared;
using ActorCluster.Workloads.Csv;
using Xunit.Abstractions;

namespace ActorCluster.Core.Tests.Workloads;

public sealed class CsvWorkloadSpecs : IDisposable
{
    private static readonly string[] Sums = ["qty", "price"];
    private readonly string _dir = Directory.CreateTempSubdirectory("csv-specs-").FullName;
    private readonly ITestOutputHelper _output;

    public CsvWorkloadSpecs(ITestOutputHelper output) => _output = output;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableTheory]
    [InlineData(1, ",", "\n")]
    [InlineData(2, ",", "\r\n")]
    [InlineData(3, ";", "\n")]
    [InlineData(7, "\t", "\n")]
    [InlineData(1000, ",", "\n")]
    public void Should_match_sqlite_on_quoted_delimiters_quotes_and_newlines_however_the_file_is_chunked(int chunkSize, string delimiter, string newline)
    {
        Skip.IfNot(SqliteReference.Available, "sqlite3 is not installed");
        var path = Path.Combine(_dir, "tricky.csv");
        var data = CsvTestData.WriteFile(path, rows: 600, seed: chunkSize, delimiter: delimiter[0], newline: newline);

        var job = new CsvWorkload().Prepare(Args(path, "--header", "--chunk-size", $"{chunkSize}", "--delimiter", delimiter == "\t" ? "tab" : delimiter));
        var result = RunAll(job);

        Assert.Equal((600 + chunkSize - 1) / chunkSize, job.ItemCount);
        AssertEqualsSqlite(path, result, header: true, delimiter[0]);
        AssertEqualsTally(data, result);
        Assert.Equal((0L, 600L), (result["malformedRows"]!.GetValue<long>(), result["rows"]!.GetValue<long>()));
    }

    [SkippableFact]
    public void Should_never_cut_a_chunk_at_a_newline_inside_quotes_even_where_the_rows_would_end()
    {
        Skip.IfNot(SqliteReference.Available, "sqlite3 is not installed");
        var path = Path.Combine(_dir, "boundary.csv");
        long naiveCut;
        CsvTestData data;
        using (var file = File.Create(path))
        {
            data = new CsvTestData(file);
            data.WriteHeader();
            data.WriteRow("1", "a", "1", "1.00", "plain");
            data.WriteRow("2", "a", "2", "2.00", "plain");
            // With 3 rows per chunk, the 3rd newline after the header is where a newline counter would cut:
            // it is inside this quoted field, followed by a line that looks like a whole row.
            var third = data.WriteRow("3", "b", "3", "3.00", "cut here?\n4,a,999,999.00,fake");
            naiveCut = third + "3,b,3,3.00,\"cut here?\n".Length;
            data.WriteRow("4", "end\n", "4", "4.00", "\n"); // quoted newlines at the very end of fields
            data.WriteRow("5", "c", "5", "5.00", "x");
            data.WriteRow("6", "c", "6", "6.00", "\"\n\"");
            data.WriteRow("7", "a", "7", "7.00", "last");
        }

        var job = new CsvWorkload().Prepare(Args(path, "--header", "--chunk-size", "3"));
        var layout = Decode(job).Layout;

        Assert.Equal(new[] { data.RowStarts[0], data.RowStarts[3], data.RowStarts[6], data.Position }, layout.Offsets);
        Assert.Equal(new[] { data.RowLines[0], data.RowLines[3], data.RowLines[6] }, layout.Lines);
        Assert.DoesNotContain(naiveCut, layout.Offsets);
        var result = RunAll(job);
        AssertEqualsSqlite(path, result, header: true);
        Assert.Equal(3, result["groups"]!["a"]!["count"]!.GetValue<long>());
    }

    [SkippableFact]
    public void Should_count_malformed_rows_and_list_them_with_their_line_in_the_whole_file()
    {
        Skip.IfNot(SqliteReference.Available, "sqlite3 is not installed");
        var path = Path.Combine(_dir, "bad.csv");
        var goodPath = Path.Combine(_dir, "good.csv");
        var expected = new List<(long Line, string Reason)>();
        using (var file = File.Create(path))
        using (var goodFile = File.Create(goodPath))
        {
            var all = new CsvTestData(file);
            var good = new CsvTestData(goodFile);
            all.WriteHeader();
            good.WriteHeader();
            var random = new Random(5);
            for (var i = 0; i < 40; i++)
            {
                // Good rows (some spanning lines) between bad ones, so the bad rows' lines depend on every chunk before them.
                string[] row = [$"{i}", $"k{random.Next(4)}", $"{random.Next(100)}", $"{random.Next(1000)}.25", i % 3 == 0 ? "two\nlines" : "one"];
                all.WriteRow(row);
                good.WriteRow(row);
                switch (i % 8)
                {
                    case 1:
                        expected.Add((all.Line, "expected 5 fields, got 4"));
                        all.WriteRow($"{i}", "k1", "1", "1.00");
                        break;
                    case 3:
                        expected.Add((all.Line, "qty is not a number: '12x'"));
                        all.WriteRow($"{i}", "k1", "12x", "1.00", "multi\nline bad row");
                        break;
                    case 5:
                        expected.Add((all.Line, "price is not a number: ''"));
                        all.WriteRow($"{i}", "k2", "1", "", "empty price");
                        break;
                    case 6:
                        all.WriteRaw("\n"); // a blank line: not a row
                        break;
                }
            }
            expected.Add((all.Line, "unterminated quote: the rest of the file would be one field"));
            all.WriteRaw("99,k1,5,5.00,\"never closed\n100,k1,1,1.00,x\n");
        }

        var job = new CsvWorkload().Prepare(Args(path, "--header", "--chunk-size", "4"));
        var result = RunAll(job);

        var listed = result["malformed"]!.AsArray().Select(m => (m!["line"]!.GetValue<long>(), m["reason"]!.GetValue<string>())).ToList();
        Assert.Equal(expected, listed);
        Assert.Equal(expected.Count, result["malformedRows"]!.GetValue<long>());
        Assert.Equal(5, result["blankLines"]!.GetValue<long>());
        Assert.StartsWith("99,k1,5,5.00,\"never closed\n100", result["malformed"]![expected.Count - 1]!["text"]!.GetValue<string>());
        AssertEqualsSqlite(goodPath, result, header: true);
    }

    [Fact]
    public void Should_count_every_malformed_row_but_list_only_the_first_100_by_line()
    {
        var path = Path.Combine(_dir, "many-bad.csv");
        var badLines = new List<long>();
        using (var file = File.Create(path))
        {
            var data = new CsvTestData(file);
            for (var i = 0; i < 250; i++)
            {
                if (i % 5 < 3)
                {
                    badLines.Add(data.Line);
                    data.WriteRow($"{i}", "k", "not a number", "1", "x");
                }
                else
                    data.WriteRow($"{i}", "k", "1", "1", "x");
            }
        }

        var result = RunAll(new CsvWorkload().Prepare(["--path", path, "--chunk-size", "10", "--group-by", "1", "--sum", "2,3"]));

        Assert.Equal(150, result["malformedRows"]!.GetValue<long>());
        Assert.Equal(badLines.Take(100), result["malformed"]!.AsArray().Select(m => m!["line"]!.GetValue<long>()));
        Assert.Equal(100, result["groups"]!["k"]!["count"]!.GetValue<long>());
    }

    [Fact]
    public void Should_reject_bad_input_at_prepare_with_one_line_naming_it()
    {
        var path = Path.Combine(_dir, "small.csv");
        File.WriteAllText(path, "id,key,qty,price,note\n1,a,1,1.00,x\n");
        var empty = Path.Combine(_dir, "empty.csv");
        File.WriteAllText(empty, "");
        var headerOnly = Path.Combine(_dir, "header.csv");
        File.WriteAllText(headerOnly, "id,key,qty,price,note\n");
        var missing = Path.Combine(_dir, "missing.csv");

        Assert.Equal($"csv: no such file: {Short(missing)}", Error(Args(missing)));
        Assert.Equal($"csv: {Short(empty)} is empty", Error(Args(empty)));
        Assert.Equal($"csv: {Short(headerOnly)} has a header but no rows", Error(Args(headerOnly, "--header")));
        Assert.Equal("csv: unknown column 'customer' in --group-by (the header has id, key, qty, price, note)",
            Error(["--path", path, "--header", "--group-by", "customer", "--sum", "qty"]));
        Assert.Equal("csv: unknown column '5' in --sum (without --header a column is a 0-based index below 5)",
            Error(["--path", path, "--group-by", "1", "--sum", "2,5"]));
        Assert.Equal("csv: --sum names column qty twice", Error(["--path", path, "--header", "--group-by", "key", "--sum", "qty,2"]));
        Assert.Equal("csv: --delimiter must be one character other than a quote or a newline, or 'tab'; got '||'",
            Error(Args(path, "--delimiter", "||")));
        Assert.Equal("csv: --group-by is required", Error(["--path", path, "--sum", "2"]));
        Assert.All(new[] { Error(Args(missing)), Error(Args(empty)) }, m => Assert.DoesNotContain('\n', m));
    }

    [Fact]
    public void Should_read_columns_by_header_name_or_by_index()
    {
        var path = Path.Combine(_dir, "named.csv");
        File.WriteAllText(path, "id,key,qty,price,note\n1,a,1,1.50,x\n2,a,2,2.50,y\n3,b,3,3.25,z\n");

        var byName = RunAll(new CsvWorkload().Prepare(["--path", path, "--header", "--group-by", "key", "--sum", "qty,price"]));
        var byIndex = RunAll(new CsvWorkload().Prepare(["--path", path, "--header", "--group-by", "1", "--sum", "2,3"]));

        Assert.Equal(byName.ToJsonString(), byIndex.ToJsonString());
        Assert.Equal("""{"count":2,"sums":{"qty":3,"price":4}}""", byName["groups"]!["a"]!.ToJsonString());
        Assert.Equal("""{"count":1,"sums":{"qty":3,"price":3.25}}""", byName["groups"]!["b"]!.ToJsonString());
    }

    [Fact]
    public void Should_rebuild_the_job_from_its_manifest_without_scanning_the_file_again()
    {
        var path = Path.Combine(_dir, "fixed.csv");
        File.WriteAllText(path, "a,1\nb,2\nc,3\nd,4\n");
        var args = new[] { "--path", path, "--group-by", "0", "--sum", "1", "--chunk-size", "2" };
        var prepared = new CsvWorkload().Prepare(args);
        var modified = File.GetLastWriteTimeUtc(path);

        // Same size, same modification time, rows cut differently: a node that scanned again would see one chunk.
        File.WriteAllText(path, "a,1,b,2\nc,3,d,4\n");
        File.SetLastWriteTimeUtc(path, modified);
        var opened = new CsvWorkload().Open(args, prepared.Manifest);

        Assert.Equal(1, new CsvWorkload().Prepare(args).ItemCount);
        Assert.Equal(2, opened.ItemCount);
        Assert.Equal(Decode(prepared).Layout.Offsets, Decode(opened).Layout.Offsets);
        Assert.Equal(new[] { 8L, 8L }, opened.ItemSizes);

        File.AppendAllText(path, "e,5\n");
        Assert.Equal($"csv: {Short(path)} changed since the job started (16 bytes then, 20 now)",
            Assert.Throws<WorkloadArgumentException>(() => new CsvWorkload().Open(args, prepared.Manifest)).Message);
        Assert.StartsWith("csv: the job's manifest is damaged",
            Assert.Throws<WorkloadArgumentException>(() => new CsvWorkload().Open(args, prepared.Manifest[..^3])).Message);
    }

    [Fact]
    public void Should_merge_each_chunk_exactly_once_and_resume_from_a_saved_aggregate()
    {
        var path = Path.Combine(_dir, "once.csv");
        CsvTestData.WriteFile(path, rows: 100, seed: 9);
        var job = new CsvWorkload().Prepare(Args(path, "--header", "--chunk-size", "10"));
        var partials = Enumerable.Range(0, 10).Select(c => job.Execute(new ItemRange(c, 1), CancellationToken.None).Partial).ToArray();
        var expected = RunAll(job).ToJsonString();

        var first = job.CreateAggregator();
        for (var c = 0; c < 6; c++)
            first.Add(new ItemRange(c, 1), partials[c]);
        first.Add(new ItemRange(2, 1), partials[2]); // a completion that arrives twice
        var resumed = job.CreateAggregator();
        resumed.Load(first.Save());
        resumed.Add(new ItemRange(5, 1), partials[5]); // replayed after the snapshot
        Assert.Throws<InvalidOperationException>(() => resumed.Add(new ItemRange(5, 2), partials[5]));
        for (var c = 9; c >= 6; c--)
            resumed.Add(new ItemRange(c, 1), partials[c]);

        Assert.Equal(expected, resumed.ToJson().ToJsonString());
    }

    [Fact]
    public void Should_size_chunks_by_the_sweep_policy_unless_chunk_size_is_given()
    {
        static ResourceSnapshot Available(long bytes) =>
            new() { LogicalCores = 2, AffinityCores = 2, TotalMemoryBytes = 64L << 30, AvailableMemoryBytes = bytes };
        var path = Path.Combine(_dir, "policy.csv");
        CsvTestData.WriteFile(path, rows: 30_000, seed: 3, tricky: false);

        Assert.Equal(2L * 1024 * 1024 * 1024 / 20 / 1000, CsvWorkload.PolicyRows(Available(2L << 30), 1000));
        Assert.Equal(500_000, CsvWorkload.PolicyRows(Available(16L << 30), 100));
        Assert.Equal(10_000, CsvWorkload.PolicyRows(Available(100L << 20), 1000));
        Assert.InRange(new CsvWorkload().Prepare(Args(path, "--header")).ItemCount, 1, 3);
        Assert.Equal(30, new CsvWorkload().Prepare(Args(path, "--header", "--chunk-size", "1000")).ItemCount);
    }

    [SkippableFact]
    public void Should_match_sqlite_on_a_file_of_a_few_hundred_megabytes()
    {
        Skip.IfNot(SqliteReference.Available, "sqlite3 is not installed");
        var path = Path.Combine(_dir, "big.csv");
        var clock = Stopwatch.StartNew();
        var data = CsvTestData.WriteFile(path, rows: 4_500_000, seed: 11, keys: 5_000, trackRows: false);
        var written = clock.Elapsed;

        clock.Restart();
        var job = new CsvWorkload().Prepare(Args(path, "--header"));
        var prepared = clock.Elapsed;
        clock.Restart();
        var aggregate = job.CreateAggregator();
        var partials = new byte[job.ItemCount][];
        Parallel.For(0, job.ItemCount, c => partials[c] = job.Execute(new ItemRange(c, 1), CancellationToken.None).Partial);
        for (var c = 0; c < partials.Length; c++)
            aggregate.Add(new ItemRange(c, 1), partials[c]);
        var result = aggregate.ToJson();
        var ran = clock.Elapsed;
        clock.Restart();
        AssertEqualsSqlite(path, result, header: true);
        _output.WriteLine($"{data.Position / 1e6:F0} MB: written in {written.TotalSeconds:F1} s, prepared (scan) in {prepared.TotalSeconds:F2} s, " +
                          $"{job.ItemCount} chunks run in {ran.TotalSeconds:F1} s, sqlite3 in {clock.Elapsed.TotalSeconds:F1} s");

        Assert.InRange(data.Position, 200_000_000, 400_000_000);
        AssertEqualsTally(data, result);
        Assert.Equal(4_500_000, result["rows"]!.GetValue<long>());
    }

    private static string[] Args(string path, params string[] more) => ["--path", path, "--group-by", "key", "--sum", "qty,price", .. more];

    private static string Short(string path) => ActorCluster.Core.Text.Echo.Shorten(path);

    private static string Error(string[] args) => Assert.Throws<WorkloadArgumentException>(() => new CsvWorkload().Prepare(args)).Message;

    private static CsvManifest Decode(IWorkloadJob job) => CsvManifest.Decode(job.Manifest);

    /// <summary>Runs every chunk in batches of two, merged in reverse order, as a cluster might.</summary>
    private static JsonObject RunAll(IWorkloadJob job)
    {
        var aggregate = job.CreateAggregator();
        for (var start = (job.ItemCount - 1) / 2 * 2; start >= 0; start -= 2)
        {
            var range = new ItemRange(start, Math.Min(2, job.ItemCount - start));
            aggregate.Add(range, job.Execute(range, CancellationToken.None).Partial);
        }
        return aggregate.ToJson();
    }

    private static void AssertEqualsSqlite(string path, JsonObject result, bool header, char delimiter = ',')
    {
        var sqlite = SqliteReference.GroupBy(path, CsvTestData.Columns.Length, 1, [2, 3], header, delimiter);
        var groups = result["groups"]!.AsObject();
        Assert.Equal(sqlite.Keys.Order(StringComparer.Ordinal), groups.Select(g => g.Key));
        foreach (var (key, expected) in sqlite)
        {
            var ours = groups[key]!;
            Assert.Equal(expected.Count, ours["count"]!.GetValue<long>());
            for (var i = 0; i < Sums.Length; i++)
            {
                var text = ours["sums"]![Sums[i]]!.ToJsonString();
                if (expected.Types[i] == "integer")
                    Assert.Equal((long)expected.Sums[i]!, long.Parse(text, CultureInfo.InvariantCulture));
                else
                {
                    // sqlite adds doubles in row order; ours is the exact decimal sum: equal up to sqlite's own rounding.
                    var theirs = (double)expected.Sums[i]!;
                    Assert.InRange(double.Parse(text, CultureInfo.InvariantCulture) - theirs, -1e-9 * Math.Max(1, Math.Abs(theirs)), 1e-9 * Math.Max(1, Math.Abs(theirs)));
                }
            }
        }
    }

    /// <summary>The generator's own exact tally: counts and integer sums equal, decimal sums equal to the last digit.</summary>
    private static void AssertEqualsTally(CsvTestData data, JsonObject result)
    {
        var groups = result["groups"]!.AsObject();
        Assert.Equal(data.Expected.Count, groups.Count);
        foreach (var (key, (count, qty, price)) in data.Expected)
        {
            var ours = groups[key]!;
            Assert.Equal(count, ours["count"]!.GetValue<long>());
            Assert.Equal(qty, long.Parse(ours["sums"]!["qty"]!.ToJsonString(), CultureInfo.InvariantCulture));
            Assert.Equal(price, decimal.Parse(ours["sums"]!["price"]!.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture));
        }
    }
}
