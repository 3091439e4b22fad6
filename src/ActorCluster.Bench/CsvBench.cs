using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ActorCluster.Core.Profiling;
using ActorCluster.Workloads.Csv;
using nietras.SeparatedValues;

namespace ActorCluster.Bench;

/// <summary>
/// The csv row: a generated file (skewed keys, quoted fields with delimiters and newlines), the group-by written as
/// one Parallel.ForEach program over the same chunks with the same CSV library (Sep), and a digest of a group-by
/// result that both it and the cluster's report.json reduce to.
/// </summary>
public static class CsvBench
{
    /// <summary>The csv job's arguments for <paramref name="path"/>: count, sum of qty and of price per key.</summary>
    public static string[] Args(string path) => ["--path", path, "--header", "--group-by", "key", "--sum", "qty,price"];

    /// <summary>Writes about <paramref name="bytes"/> of rows; returns how many rows.</summary>
    public static long Generate(string path, long bytes, int seed = 17)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("id,key,qty,price,note\n");
        var random = new Random(seed);
        long rows = 0;
        var line = new StringBuilder(128);
        while (writer.BaseStream.Position < bytes)
        {
            for (var i = 0; i < 4096; i++, rows++)
            {
                var u = random.NextDouble();
                line.Clear()
                    .Append(rows).Append(',')
                    .Append('k').Append(((int)(5000 * u * u * u)).ToString("D4", CultureInfo.InvariantCulture)).Append(',')
                    .Append(random.Next(-1000, 100_000)).Append(',')
                    .Append((random.NextInt64(-100_000, 10_000_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture)).Append(',')
                    .Append(random.Next(20) == 0 ? "\"line one\nline, \"\"two\"\"\"" : "n" + random.Next(1000).ToString(CultureInfo.InvariantCulture))
                    .Append('\n');
                writer.Write(line);
            }
        }
        // On disk before anything is timed: the kernel writing back a gigabyte would slow whichever runner came first.
        writer.Flush();
        ((FileStream)writer.BaseStream).Flush(flushToDisk: true);
        return rows;
    }

    /// <summary>
    /// The baseline: the file cut into the same chunks the workload cuts (the sweep policy's size, one quote-aware scan),
    /// then Parallel.ForEach over the chunks, each streamed through Sep (as the workload reads them) into a thread-local
    /// dictionary, merged at the end.
    /// </summary>
    public static BaselineRun ParallelForEach(string path)
    {
        var clock = Stopwatch.StartNew();
        CsvLayout layout;
        using (var file = File.OpenRead(path))
        {
            var rowsPerChunk = CsvWorkload.PolicyRows(new ResourceDetector().Detect(), CsvChunker.EstimateRowBytes(file));
            file.Position = 0;
            layout = CsvChunker.Scan(file, header: true, rowsPerChunk, CsvWorkload.MaxChunks);
        }
        var total = new Dictionary<string, Tally>(StringComparer.Ordinal);
        var threads = new HashSet<int>();
        using var handle = File.OpenHandle(path, options: FileOptions.SequentialScan);
        Parallel.ForEach(Enumerable.Range(0, layout.ChunkCount), () => new Dictionary<string, Tally>(StringComparer.Ordinal), (chunk, _, local) =>
        {
            lock (threads) threads.Add(Environment.CurrentManagedThreadId);
            using var reader = Sep.New(',').Reader(o => o with { HasHeader = false, Unescape = true })
                .From(new FileSlice(handle, layout.Offsets[chunk], layout.Offsets[chunk + 1]));
            var lookup = local.GetAlternateLookup<ReadOnlySpan<char>>();
            foreach (var row in reader)
            {
                var key = row[1].Span;
                if (!lookup.TryGetValue(key, out var tally))
                    lookup[key] = tally = new Tally();
                tally.Count++;
                tally.Qty += row[2].Parse<long>();
                tally.Price += row[3].Parse<decimal>();
            }
            return local;
        }, local =>
        {
            lock (total)
            {
                foreach (var (key, tally) in local)
                {
                    if (!total.TryGetValue(key, out var sum))
                        total[key] = sum = new Tally();
                    sum.Count += tally.Count;
                    sum.Qty += tally.Qty;
                    sum.Price += tally.Price;
                }
            }
        });
        var groups = total.Select(g => (g.Key, g.Value.Count, g.Value.Qty.ToString(CultureInfo.InvariantCulture), Normal(g.Value.Price)));
        return new BaselineRun(DigestOf(groups), clock.Elapsed, threads.Count);
    }

    /// <summary>The digest of a csv job's result (report.json's <c>result</c>): the same groups give the same digest as the baseline's.</summary>
    public static Digest FromResultJson(string json)
    {
        var groups = JsonNode.Parse(json)!["groups"]!.AsObject().Select(g =>
        {
            var sums = g.Value!["sums"]!;
            return (g.Key, (long)g.Value["count"]!, sums["qty"]!.ToJsonString(),
                Normal(decimal.Parse(sums["price"]!.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)));
        });
        return DigestOf(groups);
    }

    private static string Normal(decimal value) => (value / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    /// <summary>SHA-256 of the groups in key order; the digest's count is the rows counted.</summary>
    private static Digest DigestOf(IEnumerable<(string Key, long Count, string Qty, string Price)> groups)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long rows = 0;
        foreach (var (key, count, qty, price) in groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{key}\0{count}\0{qty}\0{price}\n"));
            rows += count;
        }
        return new Digest(BitConverter.ToUInt64(hash.GetHashAndReset()), rows);
    }

    private sealed class Tally
    {
        public long Count;
        public long Qty;
        public decimal Price;
    }
}
