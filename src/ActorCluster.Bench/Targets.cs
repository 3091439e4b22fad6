using System.Globalization;

namespace ActorCluster.Bench;

/// <summary>The issue's performance targets, each judged from ratios measured in the same run.</summary>
public static class Targets
{
    private const string Pfe = "Parallel.ForEach";
    private const string Static = "static partitioning";
    private const string One = "ActorCluster 1 node";

    /// <summary>The cluster of the skewed sleeping scenario; the bench runner names its row the same way.</summary>
    public const string SkewedSleepNodes = "3 nodes x 1 worker";

    public static IReadOnlyList<TargetResult> Evaluate(BenchSizes plan, IReadOnlyDictionary<string, Dictionary<string, double>> seconds,
        IReadOnlyDictionary<string, double> m)
    {
        var results = new List<TargetResult>();
        var sizeNote = plan.Mode == "quick" ? "quick sizes; the target names the full ones" : null;

        double? Get(string scenario, string runner) =>
            seconds.TryGetValue(scenario, out var r) && r.TryGetValue(runner, out var s) ? s : null;

        double? Ratio(string scenario, string runner) =>
            Get(scenario, Pfe) is { } pfe && Get(scenario, runner) is { } s && s > 0 ? pfe / s : null;

        foreach (var scenario in new[] { $"lfsr {plan.LfsrDegree}", $"cpu {plan.CpuCostUs:0} us" })
        {
            var r = Ratio(scenario, One);
            results.Add(new TargetResult($"CPU-bound one node: {scenario}", ">= 0.95x Parallel.ForEach", X(r), Ge(r, 0.95),
                Join(sizeNote, ThreadsNote(m, scenario))));
        }

        var tiny = $"tiny {plan.TinyCostUs:0} us";
        var tinyRatio = Ratio(tiny, One);
        results.Add(new TargetResult($"tiny items ({plan.TinyItems:N0} x {plan.TinyCostUs:0} us)", ">= 0.8x Parallel.ForEach", X(tinyRatio), Ge(tinyRatio, 0.8),
            Join(sizeNote, ThreadsNote(m, tiny))));
        double? overheadNs = m.TryGetValue($"{tiny}.{One}.idleWorkerUsPerItem", out var idle) ? idle * 1000 : null;
        results.Add(new TargetResult("tiny items: scheduling overhead per item", "<= 20 ns per item",
            overheadNs is { } ns ? $"{ns.ToString("0.0", CultureInfo.InvariantCulture)} ns per item; {X(tinyRatio)} Parallel.ForEach" : "not measured",
            Le(overheadNs, 20),
            Join(sizeNote, "worker-slot time not spent executing items (ramp-up, tail, messaging), per item")));

        foreach (var scenario in new[] { "lognormal:2", "pareto:1.5", "hot:0.01:100" })
        {
            var lb = Get(scenario, "lowerBound");
            double? overLb = Get(scenario, One) / lb;
            double? staticOverLb = Get(scenario, Static) / lb;
            results.Add(new TargetResult($"skewed {scenario}, one node", "makespan <= 1.15x LB",
                overLb is null ? "not measured" : $"{X(overLb)} LB (static partitioning: {X(staticOverLb)} LB)", Le(overLb, 1.15),
                m.TryGetValue($"simulated.{scenario}.1 node.overLowerBound", out var sim) ? $"the policy alone (simulated) reaches {sim:0.000}x LB" : null));
        }
        var skewedSleep = BenchSizes.SkewedSleepId;
        double? sleepOverLb = Get(skewedSleep, $"ActorCluster {SkewedSleepNodes}") / Get(skewedSleep, "lowerBound");
        results.Add(new TargetResult($"skewed sleeping items ({plan.SkewSleepItems:N0}, lognormal sigma 2) on {SkewedSleepNodes}", "makespan <= 1.05x LB",
            sleepOverLb is null ? "not measured" : $"{X(sleepOverLb)} LB", Le(sleepOverLb, 1.05),
            Join(sizeNote, m.TryGetValue($"simulated.{skewedSleep}.{SkewedSleepNodes}.overLowerBound", out var simSleep)
                ? $"the policy alone (simulated, nominal costs) reaches {simSleep:0.000}x LB" : null)));

        var pinned = $"pinned cpu {plan.CpuCostUs:0} us";
        double? pinnedRatio = Get(pinned, "ActorCluster 1 node @ cpu 0") is { } p1 && Get(pinned, "ActorCluster 2 nodes @ cpu 0, 1") is { } p2 && p2 > 0 ? p1 / p2 : null;
        results.Add(new TargetResult("scale-out: 2 pinned nodes vs 1 pinned node (CPU-bound)", ">= 1.85x", X(pinnedRatio), Ge(pinnedRatio, 1.85),
            SimulatedSpeedUp(m, pinned, "1 node x 1 worker", "2 nodes x 1 worker")));
        var sleep = $"sleep {plan.SleepCostUs:0} us";
        double? sleepRatio = Get(sleep, One) is { } s1 && Get(sleep, "ActorCluster 3 nodes") is { } s3 && s3 > 0 ? s1 / s3 : null;
        results.Add(new TargetResult("scale-out: 3 nodes vs 1 node (--kind sleep)", ">= 2.8x", X(sleepRatio), Ge(sleepRatio, 2.8),
            SimulatedSpeedUp(m, sleep, "1 node", "3 nodes")));

        var csv = plan.CsvId;
        var csvRatio = Ratio(csv, One);
        results.Add(new TargetResult($"{csv} group-by, one node", ">= 0.85x Parallel.ForEach (same CSV library)", X(csvRatio), Ge(csvRatio, 0.85),
            Join(plan.Mode == "quick" ? "quick size; the target names 1 GB" : null,
                m.TryGetValue($"{csv}.chunkingScanSeconds", out var scan) ? $"the chunking scan alone: {scan:0.00} s ({m[$"{csv}.chunkingScanMBps"]:0} MB/s)" : null)));

        double? handout = m.TryGetValue("handout.batchesPerSecond", out var h) ? h : null;
        results.Add(new TargetResult("coordinator hand-out to remote nodes (empty batches)", ">= 10,000 batches/s",
            handout is { } hv ? $"{hv.ToString("N0", CultureInfo.InvariantCulture)} batches/s" : "not measured", Ge(handout, 10_000),
            Join(m.TryGetValue("handout.coordinatorCpuUsPerBatch", out var cpu) ? $"coordinator CPU {cpu:0} us per batch" : null,
                m.TryGetValue("memory.coordinatorOnly.batchesPerSecond", out var huge) ? $"{huge:N0} batches/s during the 2^40-item job" : null)));

        double? files = m.TryGetValue("files.overXargs", out var f) ? f : null;
        results.Add(new TargetResult("files: SHA-256 over ~2 GB of mixed files, one node", ">= 0.9x find | xargs -P <cores> sha256sum", X(files), Ge(files, 0.9),
            Join(sizeNote, m.TryGetValue("files.bytes", out var fb) ? $"{fb / (1024 * 1024):0} MB hashed" : null)));

        double? latency = m.TryGetValue("latency.wallMsMedian", out var l) ? l : null;
        results.Add(new TargetResult("small-job latency, warm cluster (10 x 1 ms)", "<= 150 ms submit to Completed",
            latency is { } lv ? $"median {lv:0} ms, max {m["latency.wallMsMax"]:0} ms" : "not measured", Le(latency, 150)));

        double? rss = m.TryGetValue("memory.coordinatorOnly.rssGrowthMb", out var r1) ? r1 : m.TryGetValue("memory.oneNode.rssGrowthMb", out var r2) ? r2 : null;
        results.Add(new TargetResult("memory: job of 2^40 items", "coordinator RSS growth < 50 MB",
            rss is { } rv ? $"{rv:0.0} MB" + (m.TryGetValue("memory.oneNode.rssGrowthMb", out var o) ? $" (one-node cluster incl. workers: {o:0.0} MB)" : "") : "not measured",
            Le(rss, 49.999)));
        if (m.TryGetValue("handout.coordinatorBytesReadPerBatch", out var rb) && m.TryGetValue("handout.coordinatorBytesWrittenPerBatch", out var wb))
        {
            var payload = string.Join(", ", m.Where(kv => kv.Key.StartsWith("wire.payloadBytes.", StringComparison.Ordinal))
                .Select(kv => $"{kv.Key["wire.payloadBytes.".Length..]} {kv.Value:0} B"));
            results.Add(new TargetResult("per-batch overhead on the wire", "stated in bytes",
                $"{rb + wb:0} B per batch through the coordinator's sockets ({wb:0} out, {rb:0} in); payloads: {payload}", null));
        }
        double? webLatency = m.TryGetValue("web.postToCompletion.medianMs", out var wl) ? wl : null;
        results.Add(new TargetResult("HTTP: POST + completion of a 10 x 1 ms job (median)", "<= 20 ms",
            webLatency is { } ms ? $"{ms.ToString("0.0", CultureInfo.InvariantCulture)} ms" : "not measured", Le(webLatency, 20)));
        var webCostKey = $"web.lfsr{plan.TlsLfsrDegree}.costPercent";
        double? webCost = m.TryGetValue(webCostKey, out var wc) ? wc : null;
        results.Add(new TargetResult($"lfsr {plan.TlsLfsrDegree}, one node, dashboard open and /metrics every 1 s vs no web host", "within 2%",
            webCost is { } c ? $"{c.ToString("+0.0;-0.0", CultureInfo.InvariantCulture)}%" : "not measured", Le(webCost, 2),
            plan.Mode == "quick" ? "quick size; the target names lfsr 18" : null));
        return results;
    }

    private static string? Join(params string?[] notes) =>
        notes.Where(n => n is not null).ToList() is { Count: > 0 } some ? string.Join("; ", some) : null;

    /// <summary>On a machine other work keeps busy, a runner with more threads gets a bigger share of the CPU.</summary>
    private static string? ThreadsNote(IReadOnlyDictionary<string, double> m, string scenario) =>
        m.TryGetValue($"{scenario}.parallelForEachThreads", out var threads)
            ? $"Parallel.ForEach ran items on {threads:0} threads, ActorCluster on its P workers"
            : null;

    private static string? SimulatedSpeedUp(IReadOnlyDictionary<string, double> m, string scenario, string one, string many) =>
        m.TryGetValue($"simulated.{scenario}.{one}.makespanUs", out var a) && m.TryGetValue($"simulated.{scenario}.{many}.makespanUs", out var b) && b > 0
            ? $"the policy alone (simulated) gives {a / b:0.00}x"
            : null;

    private static bool? Ge(double? value, double threshold) => value is { } v ? v >= threshold : null;

    private static bool? Le(double? value, double threshold) => value is { } v ? v <= threshold : null;

    private static string X(double? ratio) => ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "not measured";
}
