using System.Diagnostics;
using System.Globalization;
using ActorCluster.Protocol.Client;
using ActorCluster.Protocol;
using ActorCluster.Protocol.Processes;
using ActorCluster.Workloads;

namespace ActorCluster.Bench;

/// <summary>
/// Runs every scenario of the bench in one process: in-process baselines here, ActorCluster
/// on real node processes started for the purpose, and checks that every run computed the sequential answer.
/// </summary>
public sealed class BenchRunner(BenchOptions options)
{
    public static readonly IReadOnlyList<string> AllSections = ["one-node", "scale-out", "pinned", "skewed", "hand-out", "tls", "files", "csv", "submit", "web"];

    private const string Seq = "sequential";
    private const string Pfe = "Parallel.ForEach";
    private const string Static = "static partitioning";
    private const string Queue = "shared queue (1 msg/item)";
    private const string One = "ActorCluster 1 node";

    private readonly BenchSizes _plan = options.Plan;
    private readonly int _p = options.Workers;
    private readonly List<BenchRow> _rows = [];
    private readonly Dictionary<string, double> _measurements = [];
    private readonly List<string> _notes = [];
    private readonly List<string> _failures = [];
    private readonly Dictionary<string, Dictionary<string, double>> _seconds = [];
    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), $"actorcluster-bench-{Environment.ProcessId}");

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private TextWriter Log => options.Log;

    /// <summary>A progress line prefixed with the seconds since the run started.</summary>
    private void Progress(string line) => Log.WriteLine($"[{_clock.Elapsed.TotalSeconds,5:0}s] {line}");

    /// <summary>Every node burns CPU with this process's calibration: a synthetic item is the same work everywhere.</summary>
    private static Dictionary<string, string> NodeEnvironment => new()
    {
        [SpinWork.CalibrationVariable] = SpinWork.IterationsPerUs.ToString("R", CultureInfo.InvariantCulture),
    };

    private bool Runs(string section) => options.Sections is null || options.Sections.Contains(section);

    public async Task<BenchResults> RunAsync()
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var loadAtStart = LoadAverage();
        Log.WriteLine($"bench ({_plan.Mode}): P = {_p} workers, {Environment.ProcessorCount} logical cores, load average {loadAtStart}");
        Log.WriteLine($"  SpinWork calibration in this process: {SpinWork.IterationsPerUs:0.0} iterations/us");
        WarmUpBaselines();
        SimulatePolicy();
        try
        {
            if (Runs("one-node") || Runs("scale-out")) await SectionAsync("one-node/scale-out", OneNodeAndScaleOutAsync);
            if (Runs("pinned")) await SectionAsync("pinned", PinnedAsync);
            if (Runs("skewed")) await SectionAsync("skewed", SkewedSleepAsync);
            if (Runs("hand-out")) await SectionAsync("hand-out", HandOutAndMemoryAsync);
            if (Runs("tls")) await SectionAsync("tls", TlsCostAsync);
            if (Runs("files")) await SectionAsync("files", FilesAsync);
            if (Runs("csv")) await SectionAsync("csv", CsvAsync);
            if (Runs("submit")) await SectionAsync("submit", SubmitWallAsync);
            if (Runs("web")) await SectionAsync("web", WebAsync);
        }
        finally
        {
            try { Directory.Delete(_dataRoot, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        _notes.Add("Baselines run in the bench process; their makespan is wall time. ActorCluster rows use the coordinator's job duration " +
                   "(JobStatus.DurationMs, job start to last batch counted); 'wall s' is submit-to-Completed as seen by a client the coordinator pushes the end to.");
        _notes.Add("makespan/LB: LB = max(W/P, longest item), converted to seconds with the sequential run of the same items (LB = T_seq * max(1/P, c_max/W)); " +
                   $"for the sleeping items on {Targets.SkewedSleepNodes}, W is the busy time the nodes report for that job and c_max the longest item's whole milliseconds.");
        if (options.Repeat > 1)
            _notes.Add($"Every measurement ran {options.Repeat} times; the table shows the fastest run (every run's result was checked).");
        _notes.Add($"Synthetic items burn the same calibrated loop everywhere: the nodes get this process's calibration " +
                   $"({SpinWork.IterationsPerUs:0.0} iterations/us) through {SpinWork.CalibrationVariable}.");
        _notes.Add("Nodes are started once per cluster and warmed up with a small job; one-node scenarios reuse the same warm node. " +
                   "Before a scenario is timed, every runner (baselines and each cluster) runs a tenth-size job of the same kind once, untimed.");
        return new BenchResults
        {
            Mode = _plan.Mode,
            StartedAt = startedAt,
            TotalSeconds = clock.Elapsed.TotalSeconds,
            Machine = Machine(loadAtStart),
            Workers = _p,
            Rows = _rows,
            Targets = Targets.Evaluate(_plan, _seconds, _measurements),
            Measurements = _measurements,
            Notes = _notes,
            Failures = _failures,
        };
    }

    /// <summary>A section that fails (a node that will not start, a job that fails) is reported and the next one runs.</summary>
    private async Task SectionAsync(string name, Func<Task> section)
    {
        try
        {
            await section();
        }
        catch (Exception e) when (e is BenchFailure or TimeoutException or InvalidOperationException or JobClientException
                                      or System.ComponentModel.Win32Exception)
        {
            var failure = $"section {name}: {e.Message}";
            _failures.Add(failure);
            Log.WriteLine($"FAILED: {failure}");
        }
    }

    private void WarmUpBaselines()
    {
        // Tier the JIT up on every baseline before anything is measured.
        foreach (ItemKernel k in new ItemKernel[] { new SyntheticKernel(20_000, 1), new LfsrKernel(11) })
        {
            Baselines.Sequential(k);
            Baselines.ParallelForEach(k);
            Baselines.StaticPartitioning(k, _p);
            Baselines.SharedQueue(k, _p);
        }
    }

    // ---------------------------------------------------------------- the policy alone, simulated

    /// <summary>One-way latency of a local (same-process) and a loopback remote message in the simulation.</summary>
    private const double LocalLatencyUs = 50, RemoteLatencyUs = 200;

    /// <summary>
    /// The same scenarios through <see cref="PolicySimulator"/>: the real ledger and batch sizer, item costs,
    /// fixed message latency, nothing else. What the policy costs is what these rows show above 1.00x LB.
    /// </summary>
    private void SimulatePolicy()
    {
        const string section = "scheduling policy alone (simulated: real JobLedger + BatchSizer, prefetch 2, no noise)";
        var simulated = new List<(string Id, SyntheticKernel Kernel, int Agents, int Workers, double Latency, string Runner)>();
        foreach (var (id, kernel) in _plan.OneNodeScenarios())
        {
            if (kernel is SyntheticKernel synthetic)
                simulated.Add((id, synthetic, 1, _p, LocalLatencyUs, "1 node"));
        }
        var sleep = new SyntheticKernel(_plan.SleepItems, _plan.SleepCostUs, kind: "sleep");
        simulated.Add(($"sleep {_plan.SleepCostUs:0} us", sleep, 1, _p, LocalLatencyUs, "1 node"));
        simulated.Add(($"sleep {_plan.SleepCostUs:0} us", sleep, 3, _p, RemoteLatencyUs, "3 nodes"));
        var pinned = new SyntheticKernel(_plan.PinnedItems, _plan.CpuCostUs);
        simulated.Add(($"pinned cpu {_plan.CpuCostUs:0} us", pinned, 1, 1, LocalLatencyUs, "1 node x 1 worker"));
        simulated.Add(($"pinned cpu {_plan.CpuCostUs:0} us", pinned, 2, 1, RemoteLatencyUs, "2 nodes x 1 worker"));
        simulated.Add((BenchSizes.SkewedSleepId, _plan.SkewedSleep(), 3, 1, RemoteLatencyUs, Targets.SkewedSleepNodes));

        foreach (var (id, kernel, agents, workers, latency, runner) in simulated)
        {
            var sim = PolicySimulator.Run(i => kernel.CostUs(i)!.Value, kernel.ItemCount, agents, workers, prefetch: 2, latency);
            _measurements[$"simulated.{id}.{runner}.overLowerBound"] = sim.OverLowerBound;
            _measurements[$"simulated.{id}.{runner}.makespanUs"] = sim.MakespanUs;
            _rows.Add(new BenchRow
            {
                Section = section,
                Scenario = id,
                Runner = $"policy, {runner}",
                Items = kernel.ItemCount,
                Seconds = sim.MakespanUs / 1e6,
                MakespanOverLowerBound = sim.OverLowerBound,
                Correct = true,
                Note = $"{sim.Batches} batches, one-way message latency {latency / 1000:0.00} ms",
            });
        }
        Progress($"policy simulation: {string.Join(", ", simulated.Select(x => $"{x.Id} {x.Runner} {_measurements[$"simulated.{x.Id}.{x.Runner}.overLowerBound"]:0.000}x LB"))}");
    }

    // ---------------------------------------------------------------- one node, then 2 and 3 nodes

    private async Task OneNodeAndScaleOutAsync()
    {
        await using var cluster = new BenchCluster(options.ActorCluster, Path.Combine(_dataRoot, "warm"), NodeEnvironment);
        Progress($"starting a one-node cluster ({_p} workers)...");
        await cluster.AddAsync(new NodeSpec("a", _p));
        await using var client = JobClient.Create([cluster.Seed]);
        var jobs = new ClusterJobs(client);
        await WarmUpClusterAsync(jobs);

        if (Runs("one-node"))
        {
            foreach (var (id, kernel) in _plan.OneNodeScenarios())
                await OneNodeScenarioAsync(id, kernel, jobs);
            await LatencyAsync(client);
            await HugeJobAsync("one node (default batching)", jobs, cluster.Nodes[0], "memory.oneNode");
        }
        if (!Runs("scale-out")) return;

        var cpu = new SyntheticKernel(_plan.CpuItems, _plan.CpuCostUs);
        var sleep = new SyntheticKernel(_plan.SleepItems, _plan.SleepCostUs, kind: "sleep");
        var sleepId = $"sleep {_plan.SleepCostUs:0} us";
        var cpuId = $"cpu {_plan.CpuCostUs:0} us";
        var reference = cpu.DigestWithoutWork()!.Value;
        var sleepReference = sleep.DigestWithoutWork()!.Value;
        const string section = "scale-out on loopback (unpinned; every node has P workers)";
        await ClusterRowAsync(section, sleepId, "ActorCluster 1 node", sleep, jobs, sleepReference, null);
        if (!_seconds.ContainsKey(cpuId))
            await ClusterRowAsync(section, cpuId, "ActorCluster 1 node", cpu, jobs, reference, null); // only when one-node was skipped

        Progress("adding a second node...");
        await cluster.AddAsync(new NodeSpec("b", _p));
        await WarmUpClusterAsync(jobs);
        await ClusterRowAsync(section, cpuId, "ActorCluster 2 nodes", cpu, jobs, reference, null);

        Progress("adding a third node...");
        await cluster.AddAsync(new NodeSpec("c", _p));
        await WarmUpClusterAsync(jobs);
        await ClusterRowAsync(section, cpuId, "ActorCluster 3 nodes", cpu, jobs, reference, null);
        await ClusterRowAsync(section, sleepId, "ActorCluster 3 nodes", sleep, jobs, sleepReference, null);
    }

    private async Task WarmUpClusterAsync(ClusterJobs jobs)
    {
        await jobs.RunAsync(new SyntheticKernel(50_000, 2), _plan.JobTimeout);
        await jobs.RunAsync(new LfsrKernel(12), _plan.JobTimeout);
    }

    private async Task OneNodeScenarioAsync(string id, ItemKernel kernel, ClusterJobs jobs)
    {
        const string section = "one node";
        Progress($"{id}: {kernel.Describe()}");
        await WarmUpEveryRunnerAsync(id, kernel.WarmUp(), jobs);
        var seq = Best(() => Baselines.Sequential(kernel), null, id, Seq);
        var lb = LowerBound.For(kernel, _p).Seconds(seq.Elapsed.TotalSeconds);
        Record(section, id, Seq, kernel.ItemCount, seq.Elapsed.TotalSeconds, seq.Digest, seq.Digest, lb);
        var pfe = Best(() => Baselines.ParallelForEach(kernel), seq.Digest, id, Pfe);
        Record(section, id, Pfe, kernel.ItemCount, pfe.Elapsed.TotalSeconds, pfe.Digest, seq.Digest, lb,
            note: $"items ran on {pfe.Threads} thread-pool threads");
        _measurements[$"{id}.parallelForEachThreads"] = pfe.Threads;
        await ClusterRowAsync(section, id, "ActorCluster 1 node", kernel, jobs, seq.Digest, lb, warmUp: false);
        var st = Best(() => Baselines.StaticPartitioning(kernel, _p), seq.Digest, id, Static);
        Record(section, id, Static, kernel.ItemCount, st.Elapsed.TotalSeconds, st.Digest, seq.Digest, lb);
        var q = Best(() => Baselines.SharedQueue(kernel, _p), seq.Digest, id, Queue);
        Record(section, id, Queue, kernel.ItemCount, q.Elapsed.TotalSeconds, q.Digest, seq.Digest, lb);
        _seconds[id]["lowerBound"] = lb;
        _measurements[$"{id}.sequentialUsPerItem"] = seq.Elapsed.TotalMicroseconds / kernel.ItemCount;
    }

    /// <summary>One untimed run of the smaller job through every runner; wrong results are still reported.</summary>
    private async Task WarmUpEveryRunnerAsync(string id, ItemKernel warmUp, ClusterJobs jobs)
    {
        var expected = Baselines.Sequential(warmUp).Digest;
        var runs = new (string Runner, Digest Digest)[]
        {
            (Pfe, Baselines.ParallelForEach(warmUp).Digest),
            (Static, Baselines.StaticPartitioning(warmUp, _p).Digest),
            (Queue, Baselines.SharedQueue(warmUp, _p).Digest),
            ("ActorCluster 1 node", (await jobs.RunAsync(warmUp, _plan.JobTimeout)).Digest ?? default),
        };
        foreach (var (runner, digest) in runs.Where(r => r.Digest != expected))
            WrongResult(id, $"{runner} (warm-up)", digest, expected);
    }

    /// <summary>Runs one job on the cluster, records its row, and what the coordinator's report says about overhead.</summary>
    /// <param name="warmUp">
    /// Run the kernel's tenth-size job once, untimed, first: nodes that never ran this kind of job would
    /// otherwise be timed while their JIT tiers up its code. False where the caller warmed up already.
    /// </param>
    /// <param name="lowerBoundOf">A lower bound taken from the job's own status, instead of <paramref name="lowerBound"/>.</param>
    private async Task<ClusterRun> ClusterRowAsync(string section, string id, string runner, ItemKernel kernel, ClusterJobs jobs, Digest expected,
        double? lowerBound, bool warmUp = true, Func<JobStatus, double>? lowerBoundOf = null)
    {
        if (warmUp)
            await jobs.RunAsync(kernel.WarmUp(), _plan.JobTimeout);
        ClusterRun? run = null;
        for (var i = 0; i < Math.Max(1, options.Repeat); i++)
        {
            var next = await jobs.RunAsync(kernel, _plan.JobTimeout);
            if (next.Digest != expected)
                WrongResult(id, $"{runner} (run {i + 1})", next.Digest ?? default, expected);
            if (run is null || next.CoordinatorSeconds < run.CoordinatorSeconds) run = next;
        }
        var s = run!.Status;
        var slots = s.Nodes.Sum(n => n.Workers);
        var busySeconds = s.Nodes.Sum(n => n.BusyMs) / 1000.0;
        // Worker time not spent inside Execute: ramp-up, tail, messaging, waiting for the next batch.
        var idleUsPerItem = (run.CoordinatorSeconds * slots - busySeconds) * 1e6 / kernel.ItemCount;
        var busyUsPerItem = busySeconds * 1e6 / kernel.ItemCount;
        var key = $"{id}.{runner}";
        _measurements[$"{key}.batches"] = s.Batches;
        _measurements[$"{key}.idleWorkerUsPerItem"] = idleUsPerItem;
        _measurements[$"{key}.busyUsPerItem"] = busyUsPerItem;
        _measurements[$"{key}.wallSeconds"] = run.WallSeconds;
        Record(section, id, runner, kernel.ItemCount, run.CoordinatorSeconds, run.Digest ?? default, expected, lowerBoundOf?.Invoke(s) ?? lowerBound, run.WallSeconds,
            $"{s.Batches} batches on {s.Nodes.Count} node(s), {slots} workers; idle worker time {idleUsPerItem:0.000} us/item");
        return run;
    }

    /// <summary>The fastest of <see cref="BenchOptions.Repeat"/> runs; every run's digest is checked.</summary>
    private BaselineRun Best(Func<BaselineRun> run, Digest? expected, string id, string runner)
    {
        BaselineRun? best = null;
        for (var i = 0; i < Math.Max(1, options.Repeat); i++)
        {
            var next = run();
            if (expected is { } e && next.Digest != e)
                WrongResult(id, $"{runner} (run {i + 1})", next.Digest, e);
            if (best is null || next.Elapsed < best.Elapsed) best = next;
        }
        return best!;
    }

    private void WrongResult(string id, string runner, Digest digest, Digest expected)
    {
        var failure = $"{id} / {runner}: result {digest} differs from the sequential result {expected}";
        _failures.Add(failure);
        Log.WriteLine($"  WRONG RESULT: {failure}");
    }

    private void Record(string section, string id, string runner, long items, double seconds, Digest digest, Digest expected,
        double? lowerBound, double? wall = null, string? note = null)
    {
        var correct = digest == expected && !_failures.Any(f => f.StartsWith($"{id} / {runner} (run", StringComparison.Ordinal));
        if (digest != expected)
            WrongResult(id, runner, digest, expected);
        if (!_seconds.TryGetValue(id, out var byRunner))
            _seconds[id] = byRunner = [];
        byRunner[runner] = seconds;
        double? ratio = byRunner.TryGetValue(Pfe, out var pfe) && seconds > 0 ? pfe / seconds : null;
        var row = new BenchRow
        {
            Section = section,
            Scenario = id,
            Runner = runner,
            Items = items,
            Seconds = seconds,
            WallSeconds = wall,
            RatioToParallelForEach = ratio,
            MakespanOverLowerBound = lowerBound is { } lb && lb > 0 ? seconds / lb : null,
            Correct = correct,
            Digest = digest.ToString(),
            Note = note,
        };
        _rows.Add(row);
        Log.WriteLine($"  {runner,-28} {seconds,8:0.000} s  {BenchWriter.FormatRate(row.ItemsPerSecond),9} items/s" +
                      (ratio is { } x ? $"  {x:0.00}x P.ForEach" : "") +
                      (row.MakespanOverLowerBound is { } m ? $"  {m:0.00}x LB" : "") + (correct ? "" : "  WRONG"));
    }

    // ---------------------------------------------------------------- latency and memory

    private async Task LatencyAsync(JobClient client)
    {
        var jobs = new ClusterJobs(client);
        var kernel = new SyntheticKernel(10, 1000);
        var expected = kernel.DigestWithoutWork()!.Value;
        var walls = new List<double>();
        var coordinator = new List<double>();
        for (var i = 0; i < _plan.LatencyRuns; i++)
        {
            var run = await jobs.RunAsync(kernel, _plan.JobTimeout);
            if (run.Digest != expected)
                _failures.Add($"latency run {i}: result {run.Digest} differs from {expected}");
            walls.Add(run.WallSeconds * 1000);
            coordinator.Add(run.Status.DurationMs);
        }
        walls.Sort();
        coordinator.Sort();
        var median = walls[walls.Count / 2];
        _measurements["latency.wallMsMedian"] = median;
        _measurements["latency.wallMsMax"] = walls[^1];
        _measurements["latency.wallMsMin"] = walls[0];
        _measurements["latency.coordinatorMsMedian"] = coordinator[coordinator.Count / 2];
        _rows.Add(new BenchRow
        {
            Section = "small-job latency (warm one-node cluster)",
            Scenario = "10 items x 1 ms",
            Runner = $"ActorCluster 1 node, median of {walls.Count}",
            Items = 10,
            Seconds = coordinator[coordinator.Count / 2] / 1000.0,
            WallSeconds = median / 1000.0,
            Correct = !_failures.Any(f => f.StartsWith("latency", StringComparison.Ordinal)),
            Digest = expected.ToString(),
            Note = $"submit to Completed: min {walls[0]:0} ms, median {median:0} ms, max {walls[^1]:0} ms",
        });
        Progress($"latency: 10 items x 1 ms, submit to Completed: min {walls[0]:0} ms, median {median:0} ms, max {walls[^1]:0} ms " +
                      $"(coordinator median {coordinator[coordinator.Count / 2]:0} ms)");
    }

    /// <summary>
    /// A job of 2^40 items on <paramref name="node"/>'s coordinator: RSS sampled while it runs, then the job is
    /// cancelled. Lazy partitioning means the growth must not depend on the item count.
    /// </summary>
    private async Task HugeJobAsync(string label, ClusterJobs jobs, NodeProcess node, string key)
    {
        var args = new[] { "--items", _plan.HugeItems.ToString(CultureInfo.InvariantCulture), "--cost-us", "0" };
        var before = node.ResidentBytes() ?? 0;
        var peak = before;
        var jobId = await jobs.SubmitAsync("synthetic", args);
        var clock = Stopwatch.StartNew();
        var peakFirstHalf = before;
        while (clock.Elapsed < _plan.MemoryWatch)
        {
            await Task.Delay(200);
            var rss = node.ResidentBytes() ?? 0;
            peak = Math.Max(peak, rss);
            if (clock.Elapsed < _plan.MemoryWatch / 2) peakFirstHalf = peak;
        }
        var status = await jobs.StatusAsync(jobId);
        await jobs.CancelAsync(jobId);
        var growthMb = (peak - before) / 1048576.0;
        _measurements[$"{key}.batchesPerSecond"] = status.Batches / Math.Max(0.001, status.DurationMs / 1000.0);
        _measurements[$"{key}.rssBeforeMb"] = before / 1048576.0;
        _measurements[$"{key}.rssGrowthMb"] = growthMb;
        // Growth that stops (GC budgets, buffers filling) is not growth with the item count: show where it went.
        var secondHalfMb = (peak - peakFirstHalf) / 1048576.0;
        _measurements[$"{key}.rssGrowthSecondHalfMb"] = secondHalfMb;
        _measurements[$"{key}.batchesCounted"] = status.Batches;
        _measurements[$"{key}.itemsCompleted"] = status.ItemsCompleted;
        Progress($"memory ({label}): job of 2^40 items for {_plan.MemoryWatch.TotalSeconds:0} s: coordinator RSS {before / 1048576.0:0} MB -> peak " +
                      $"{peak / 1048576.0:0} MB (growth {growthMb:0.0} MB, of which {secondHalfMb:0.0} MB in the second half); {status.Batches:N0} batches, {status.ItemsCompleted:N0} items done, then cancelled");
    }

    // ---------------------------------------------------------------- pinned scale-out

    private async Task PinnedAsync()
    {
        if (Environment.ProcessorCount < 2 || !OperatingSystem.IsLinux())
        {
            _notes.Add("pinned scale-out skipped: needs Linux and two cores");
            return;
        }
        const string section = "scale-out, each node pinned to its own core (taskset), 1 worker per node";
        var kernel = new SyntheticKernel(_plan.PinnedItems, _plan.CpuCostUs);
        var reference = kernel.DigestWithoutWork()!.Value;
        var id = $"pinned cpu {_plan.CpuCostUs:0} us";
        await using var cluster = new BenchCluster(options.ActorCluster, Path.Combine(_dataRoot, "pinned"), NodeEnvironment);
        Progress("starting a node pinned to cpu 0...");
        await cluster.AddAsync(new NodeSpec("p0", 1, PinnedCpu: 0));
        await using var client = JobClient.Create([cluster.Seed]);
        var jobs = new ClusterJobs(client);
        await WarmUpClusterAsync(jobs);
        await ClusterRowAsync(section, id, "ActorCluster 1 node @ cpu 0", kernel, jobs, reference, null);
        Progress("adding a node pinned to cpu 1...");
        await cluster.AddAsync(new NodeSpec("p1", 1, PinnedCpu: 1));
        await WarmUpClusterAsync(jobs);
        await ClusterRowAsync(section, id, "ActorCluster 2 nodes @ cpu 0, 1", kernel, jobs, reference, null);
    }

    // ---------------------------------------------------------------- files: SHA-256 of a tree against find | xargs sha256sum

    private async Task FilesAsync()
    {
        const string section = "files: SHA-256 over generated files (page cache warm), one node with P workers vs find | xargs -P P sha256sum";
        var tree = Path.Combine(_dataRoot, "files-tree");
        Progress("files: generating the tree...");
        var bytes = FilesBench.Generate(tree, _plan.Mode == "quick");
        var id = FilesBench.Scenario(bytes);
        await using var cluster = new BenchCluster(options.ActorCluster, Path.Combine(_dataRoot, "files"), NodeEnvironment);
        await cluster.AddAsync(new NodeSpec("f", _p));
        await using var client = JobClient.Create([cluster.Seed]);
        var jobs = new ClusterJobs(client);
        string[] args = ["--path", tree, "--recursive"];
        var (_, expected) = FilesBench.RunXargs(tree, _p); // untimed: both sides read from the page cache
        await jobs.RunAsync("files", args, _plan.JobTimeout);

        var best = (Xargs: double.MaxValue, Cluster: double.MaxValue);
        for (var run = 0; run < options.Repeat; run++)
        {
            var (xargsSeconds, hashes) = FilesBench.RunXargs(tree, _p);
            var clock = Stopwatch.StartNew();
            var accepted = await client.SubmitAsync("files", args, noCache: true);
            JobStatus? status = null;
            await foreach (var pushed in client.FollowAsync(accepted.JobId)) status = pushed;
            var clusterSeconds = clock.Elapsed.TotalSeconds;
            if (status!.State != Core.Jobs.JobPhase.Completed) throw new BenchFailure($"files job {status.JobId} ended {status.State}: {status.Error}");
            if (FilesBench.Difference(expected, hashes) is { } xargsWrong) throw new BenchFailure($"sha256sum disagrees with itself: {xargsWrong}");
            if (FilesBench.Difference(expected, await FilesBench.ClusterHashesAsync(client, accepted.JobId)) is { } wrong)
            {
                _failures.Add($"files: {wrong}");
                return;
            }
            best = (Math.Min(best.Xargs, xargsSeconds), Math.Min(best.Cluster, clusterSeconds));
        }
        var items = (long)expected.Count;
        _seconds[id] = new Dictionary<string, double> { [FilesBench.Xargs] = best.Xargs, [FilesBench.Cluster] = best.Cluster };
        _measurements["files.bytes"] = bytes;
        _measurements["files.overXargs"] = best.Xargs / best.Cluster;
        _rows.Add(new BenchRow { Section = section, Scenario = id, Runner = FilesBench.Xargs.Replace(" P ", $" {_p} "), Items = items, Seconds = best.Xargs, Correct = true,
            Note = $"{bytes / best.Xargs / (1024 * 1024):0} MB/s" });
        _rows.Add(new BenchRow { Section = section, Scenario = id, Runner = FilesBench.Cluster, Items = items, Seconds = best.Cluster, WallSeconds = best.Cluster, Correct = true,
            Note = $"{bytes / best.Cluster / (1024 * 1024):0} MB/s, {best.Xargs / best.Cluster:0.00}x find | xargs; submit (listing) to Completed, --no-cache" });
        Progress($"files: {id}: find | xargs {best.Xargs:0.00} s, ActorCluster {best.Cluster:0.00} s ({best.Xargs / best.Cluster:0.00}x)");
        try { Directory.Delete(tree, recursive: true); } catch (IOException) { }
    }

    // ---------------------------------------------------------------- skewed sleeping items, 3 single-worker nodes

    /// <summary>
    /// Lognormal (sigma 2) sleeping items on three nodes of one worker each: sleep costs no CPU, so on two cores
    /// this measures the schedule (hand-out, batch sizes, the tail), not how the nodes share the machine.
    /// </summary>
    private async Task SkewedSleepAsync()
    {
        const string section = "skewed sleeping items (lognormal sigma 2), 3 nodes x 1 worker";
        var id = BenchSizes.SkewedSleepId;
        var kernel = _plan.SkewedSleep();
        var expected = kernel.DigestWithoutWork()!.Value;
        double longestUs = 0;
        for (long i = 0; i < kernel.ItemCount; i++)
            longestUs = Math.Max(longestUs, kernel.MinimumSleepUs(i));
        // W is the workers' busy time the nodes report for this very job: what the items really slept there
        // (whole milliseconds, woken late on a busy machine), so the bound holds whatever the load; only the
        // time no worker was busy puts the makespan above it.
        double LowerBoundOf(JobStatus status) => new LowerBound(status.Nodes.Sum(n => n.BusyMs) * 1000.0, longestUs, 3).NominalUs / 1e6;

        await using var cluster = new BenchCluster(options.ActorCluster, Path.Combine(_dataRoot, "skewed"), NodeEnvironment);
        Progress($"{id}: {kernel.Describe()}; starting three single-worker nodes...");
        await cluster.AddAsync(new NodeSpec("s0", 1));
        await cluster.AddAsync(new NodeSpec("s1", 1), new NodeSpec("s2", 1));
        await using var client = JobClient.Create([cluster.Seed]);
        var jobs = new ClusterJobs(client);
        await WarmUpClusterAsync(jobs);
        var run = await ClusterRowAsync(section, id, $"ActorCluster {Targets.SkewedSleepNodes}", kernel, jobs, expected, null, lowerBoundOf: LowerBoundOf);
        _seconds[id]["lowerBound"] = LowerBoundOf(run.Status);
        _measurements[$"{id}.nominalLowerBoundSeconds"] = LowerBound.For(kernel, 3).NominalUs / 1e6;
    }

    // ---------------------------------------------------------------- hand-out capacity

    private async Task HandOutAndMemoryAsync()
    {
        const string section = "coordinator hand-out capacity (empty items, batch size 1, remote nodes)";
        await using var cluster = new BenchCluster(options.ActorCluster, Path.Combine(_dataRoot, "handout"), NodeEnvironment);
        Progress("starting a coordinator-only node (max batch size 1) and two worker nodes...");
        var workerArgs = new[] { "--roles", "worker", "--prefetch", "64" };
        await cluster.AddAsync(new NodeSpec("coordinator", 1, ExtraArgs: ["--roles", "coordinator", "--max-batch-size", "1"]));
        await cluster.AddAsync(new NodeSpec("w1", _p, ExtraArgs: workerArgs), new NodeSpec("w2", _p, ExtraArgs: workerArgs));
        await using var client = JobClient.Create([cluster.Seed]);
        var jobs = new ClusterJobs(client);
        var coordinator = cluster.Nodes[0];
        await jobs.RunAsync(new SyntheticKernel(5_000, 0), _plan.JobTimeout);

        var kernel = new SyntheticKernel(_plan.HandoutItems, 0);
        var io0 = ProcStatus.SocketBytes(coordinator.Pid);
        var cpu0 = ProcStatus.CpuSeconds(coordinator.Pid);
        var run = await ClusterRowAsync(section, "empty items", "ActorCluster coordinator -> 2 nodes", kernel, jobs, kernel.DigestWithoutWork()!.Value, null, warmUp: false);
        var io1 = ProcStatus.SocketBytes(coordinator.Pid);
        var cpu1 = ProcStatus.CpuSeconds(coordinator.Pid);
        var batches = Math.Max(1, run.Status.Batches);
        _measurements["handout.batchesPerSecond"] = batches / run.CoordinatorSeconds;
        _measurements["handout.coordinatorCpuUsPerBatch"] = (cpu1 - cpu0) * 1e6 / batches;
        _measurements["handout.coordinatorBytesReadPerBatch"] = (io1.Received - io0.Received) / (double)batches;
        _measurements["handout.coordinatorBytesWrittenPerBatch"] = (io1.Sent - io0.Sent) / (double)batches;
        foreach (var (name, bytes) in WireSizes.Payloads())
            _measurements[$"wire.payloadBytes.{name}"] = bytes;
        Progress($"hand-out: {batches / run.CoordinatorSeconds:N0} batches/s; coordinator CPU {(cpu1 - cpu0) * 1e6 / batches:0} us/batch; " +
                      $"coordinator TCP bytes per batch: {(io1.Received - io0.Received) / (double)batches:0} in, {(io1.Sent - io0.Sent) / (double)batches:0} out " +
                      "(all its connections: agents, cluster gossip, the following client)");

        await HugeJobAsync("coordinator-only node, batch size 1", jobs, coordinator, "memory.coordinatorOnly");
    }

    // ---------------------------------------------------------------- what mutual TLS costs

    /// <summary>
    /// The same two jobs on plain-TCP clusters and on mutual-TLS clusters, started side by side and measured in
    /// alternating rounds (so drift in the machine's load falls on both alike); the best round of each counts.
    /// Hand-out sends every batch over the wire to a worker node, so it shows TLS's per-message cost; lfsr on one
    /// node shows what a CPU-bound job pays (only the client's and the node's few messages are encrypted).
    /// </summary>
    private async Task TlsCostAsync()
    {
        const string section = "cost of mutual TLS on the cluster port (same run, plain TCP vs TLS)";
        var tls = TlsCost.Create(Path.Combine(_dataRoot, "tls-certs"));
        var lfsr = new LfsrKernel(_plan.TlsLfsrDegree);
        var handout = new SyntheticKernel(_plan.HandoutItems, 0);
        var best = new Dictionary<string, ClusterRun>();
        var clusters = new List<BenchCluster>();
        try
        {
            var modes = new List<(string Mode, ClusterJobs OneNode, ClusterJobs HandOut, IAsyncDisposable[] Clients)>();
            foreach (var mode in new[] { "plain TCP", "mutual TLS" })
            {
                var extra = mode == "plain TCP" ? [] : tls.NodeArgs;
                var identity = mode == "plain TCP" ? null : tls.Client;
                Progress($"tls: starting a one-node cluster and a hand-out cluster ({mode})...");
                var oneNode = new BenchCluster(options.ActorCluster, Path.Combine(_dataRoot, $"tls-{modes.Count}-one"), NodeEnvironment);
                clusters.Add(oneNode);
                await oneNode.AddAsync(new NodeSpec("a", _p, ExtraArgs: extra));
                var handOut = new BenchCluster(options.ActorCluster, Path.Combine(_dataRoot, $"tls-{modes.Count}-handout"), NodeEnvironment);
                clusters.Add(handOut);
                await handOut.AddAsync(new NodeSpec("coordinator", 1, ExtraArgs: ["--roles", "coordinator", "--max-batch-size", "1", .. extra]));
                await handOut.AddAsync(new NodeSpec("w1", _p, ExtraArgs: ["--roles", "worker", "--prefetch", "64", .. extra]));
                var oneClient = JobClient.Create([oneNode.Seed], identity);
                var handClient = JobClient.Create([handOut.Seed], identity);
                var oneJobs = new ClusterJobs(oneClient);
                var handJobs = new ClusterJobs(handClient);
                await WarmUpClusterAsync(oneJobs);
                await handJobs.RunAsync(new SyntheticKernel(5_000, 0), _plan.JobTimeout);
                modes.Add((mode, oneJobs, handJobs, [oneClient, handClient]));
            }
            for (var round = 0; round < Math.Max(2, options.Repeat); round++)
            {
                foreach (var (mode, oneJobs, handJobs, _) in modes)
                {
                    var h = await handJobs.RunAsync(handout, _plan.JobTimeout);
                    var l = await oneJobs.RunAsync(lfsr, _plan.JobTimeout);
                    if (!best.TryGetValue($"{mode}.handout", out var bh) || h.Status.Batches / h.CoordinatorSeconds > bh.Status.Batches / bh.CoordinatorSeconds)
                        best[$"{mode}.handout"] = h;
                    if (!best.TryGetValue($"{mode}.lfsr", out var bl) || l.CoordinatorSeconds < bl.CoordinatorSeconds)
                        best[$"{mode}.lfsr"] = l;
                    Progress($"tls: round {round + 1} {mode}: hand-out {h.Status.Batches / h.CoordinatorSeconds:N0} batches/s, lfsr {_plan.TlsLfsrDegree} {l.CoordinatorSeconds:0.00} s");
                }
            }
            foreach (var (_, _, _, clients) in modes)
                foreach (var client in clients) await client.DisposeAsync();
        }
        finally
        {
            foreach (var cluster in clusters) await cluster.DisposeAsync();
        }

        double Bps(string mode) => best[$"{mode}.handout"].Status.Batches / best[$"{mode}.handout"].CoordinatorSeconds;
        var handoutCost = TlsCost.ShortfallPercent(Bps("plain TCP"), Bps("mutual TLS"));
        var lfsrCost = TlsCost.SlowdownPercent(best["plain TCP.lfsr"].CoordinatorSeconds, best["mutual TLS.lfsr"].CoordinatorSeconds);
        var lfsrAgree = best["plain TCP.lfsr"].Digest == best["mutual TLS.lfsr"].Digest;
        var handoutDigest = handout.DigestWithoutWork()!.Value;
        foreach (var mode in new[] { "plain TCP", "mutual TLS" })
        {
            var h = best[$"{mode}.handout"];
            _rows.Add(new BenchRow
            {
                Section = section, Scenario = "hand-out, empty items, batch size 1", Runner = $"coordinator -> 1 worker node, {mode}",
                Items = handout.ItemCount, Seconds = h.CoordinatorSeconds, WallSeconds = h.WallSeconds,
                Correct = h.Digest == handoutDigest, Digest = h.Digest?.ToString() ?? "",
                Note = $"{h.Status.Batches / h.CoordinatorSeconds:N0} batches/s" + (mode == "mutual TLS" ? $"; TLS costs {handoutCost:0.0}% (target < 25%)" : ""),
            });
            var l = best[$"{mode}.lfsr"];
            _rows.Add(new BenchRow
            {
                Section = section, Scenario = $"lfsr --degree {_plan.TlsLfsrDegree}", Runner = $"ActorCluster 1 node, {mode}",
                Items = lfsr.ItemCount, Seconds = l.CoordinatorSeconds, WallSeconds = l.WallSeconds,
                Correct = lfsrAgree && l.Digest is not null, Digest = l.Digest?.ToString() ?? "",
                Note = mode == "mutual TLS" ? $"TLS costs {lfsrCost:0.0}% (target < 5%); same result as plain TCP: {(lfsrAgree ? "yes" : "NO")}" : null,
            });
        }
        _measurements["tls.handout.plainBatchesPerSecond"] = Bps("plain TCP");
        _measurements["tls.handout.tlsBatchesPerSecond"] = Bps("mutual TLS");
        _measurements["tls.handout.costPercent"] = handoutCost;
        _measurements[$"tls.lfsr{_plan.TlsLfsrDegree}.plainSeconds"] = best["plain TCP.lfsr"].CoordinatorSeconds;
        _measurements[$"tls.lfsr{_plan.TlsLfsrDegree}.tlsSeconds"] = best["mutual TLS.lfsr"].CoordinatorSeconds;
        _measurements[$"tls.lfsr{_plan.TlsLfsrDegree}.costPercent"] = lfsrCost;
        Progress($"tls: hand-out costs {handoutCost:0.0}% ({Bps("plain TCP"):N0} -> {Bps("mutual TLS"):N0} batches/s), " +
                 $"lfsr {_plan.TlsLfsrDegree} costs {lfsrCost:0.0}% ({best["plain TCP.lfsr"].CoordinatorSeconds:0.00} -> {best["mutual TLS.lfsr"].CoordinatorSeconds:0.00} s)");
        if (!lfsrAgree) throw new BenchFailure("lfsr gave different results over TLS and plain TCP");
    }

    // ---------------------------------------------------------------- web host

    /// <summary>
    /// The HTTP job API as a script uses it (POST, then the job's event stream until it ends) for a 10 x 1 ms job, and
    /// lfsr on one node with a dashboard open (its live feed read, /metrics scraped every second) against a node with
    /// no web host. The two lfsr nodes run one after the other, never at once; the best of the rounds counts.
    /// </summary>
    private async Task WebAsync()
    {
        const string section = "web host: HTTP job API latency, cost of an open dashboard";
        var degree = _plan.TlsLfsrDegree;
        var lfsr = new LfsrKernel(degree);
        var reference = Baselines.Sequential(lfsr).Digest;
        Progress("web: starting a node with its web host and one without...");
        await using var withWeb = new BenchCluster(options.ActorCluster, Path.Combine(_dataRoot, "web-on"), NodeEnvironment);
        await withWeb.AddAsync(new NodeSpec("web", _p, ExtraArgs: ["--http-port", "0"]));
        await using var without = new BenchCluster(options.ActorCluster, Path.Combine(_dataRoot, "web-off"), NodeEnvironment);
        await without.AddAsync(new NodeSpec("plain", _p));
        using var web = await WebBench.OfAsync(withWeb.Nodes[0]);
        await using var onClient = JobClient.Create([withWeb.Seed]);
        await using var offClient = JobClient.Create([without.Seed]);
        var on = new ClusterJobs(onClient);
        var off = new ClusterJobs(offClient);
        await WarmUpClusterAsync(on);
        await WarmUpClusterAsync(off);

        var tenJobs = _plan.Mode == "quick" ? 10 : 30;
        var latencies = new List<double>();
        for (var i = 0; i < tenJobs + 3; i++)
        {
            var (seconds, state) = await web.SubmitAndFollowAsync("synthetic", ["--items", "10", "--cost-us", "1000"], _plan.JobTimeout);
            if (state != "completed") throw new BenchFailure($"a 10 x 1 ms job over HTTP ended {state}");
            if (i >= 3) latencies.Add(seconds * 1000); // the first three warm the routes up
        }
        latencies.Sort();
        var median = latencies[latencies.Count / 2];
        _rows.Add(new BenchRow
        {
            Section = section, Scenario = "synthetic 10 x 1 ms, POST /api/jobs + event stream to the end", Runner = "curl-like HTTP client, 1 node",
            Items = 10, Seconds = median / 1000, WallSeconds = median / 1000, Correct = true, Digest = "",
            Note = $"median of {latencies.Count}: {median:0.0} ms (min {latencies[0]:0.0}, max {latencies[^1]:0.0}); target <= 20 ms",
        });
        _measurements["web.postToCompletion.medianMs"] = median;

        ClusterRun? bestOff = null, bestOn = null;
        for (var round = 0; round < Math.Max(2, options.Repeat); round++)
        {
            var o = await off.RunAsync(lfsr, _plan.JobTimeout);
            ClusterRun w;
            await using (web.Watch())
                w = await on.RunAsync(lfsr, _plan.JobTimeout);
            if (o.Digest != reference || w.Digest != reference) throw new BenchFailure($"lfsr {degree} gave a wrong result with or without a dashboard");
            if (bestOff is null || o.CoordinatorSeconds < bestOff.CoordinatorSeconds) bestOff = o;
            if (bestOn is null || w.CoordinatorSeconds < bestOn.CoordinatorSeconds) bestOn = w;
            Progress($"web: round {round + 1}: lfsr {degree} {o.CoordinatorSeconds:0.000} s without, {w.CoordinatorSeconds:0.000} s with a dashboard open");
        }
        var cost = TlsCost.SlowdownPercent(bestOff!.CoordinatorSeconds, bestOn!.CoordinatorSeconds);
        foreach (var (runner, run) in new[] { ("ActorCluster 1 node, no web host", bestOff), ("ActorCluster 1 node, dashboard open + /metrics every 1 s", bestOn) })
            _rows.Add(new BenchRow
            {
                Section = section, Scenario = $"lfsr --degree {degree}", Runner = runner, Items = lfsr.ItemCount, Seconds = run.CoordinatorSeconds,
                WallSeconds = run.WallSeconds, Correct = run.Digest == reference, Digest = run.Digest?.ToString() ?? "",
                Note = ReferenceEquals(run, bestOn) ? $"the dashboard costs {cost:0.0}% (target within 2%)" : null,
            });
        _measurements[$"web.lfsr{degree}.offSeconds"] = bestOff.CoordinatorSeconds;
        _measurements[$"web.lfsr{degree}.onSeconds"] = bestOn.CoordinatorSeconds;
        _measurements[$"web.lfsr{degree}.costPercent"] = cost;
        Progress($"web: POST + completion of 10 x 1 ms: median {median:0.0} ms; lfsr {degree} with a dashboard open costs {cost:0.0}%");
    }

    // ---------------------------------------------------------------- csv group-by

    /// <summary>
    /// The csv workload on one node of P workers against the same group-by as one Parallel.ForEach program with the
    /// same CSV library. The cluster's time is submit to Completed: it includes the chunking scan at prepare, as the
    /// baseline's time includes its own.
    /// </summary>
    private async Task CsvAsync()
    {
        const string section = "csv group-by (one node vs one Parallel.ForEach program, both parsing with Sep)";
        var id = _plan.CsvId;
        var path = Path.Combine(_dataRoot, "csv", "sales.csv");
        var small = Path.Combine(_dataRoot, "csv", "warm-up.csv");
        Progress($"{id}: generating the file...");
        var rows = CsvBench.Generate(path, _plan.CsvMegabytes * 1024L * 1024);
        CsvBench.Generate(small, _plan.CsvMegabytes * 1024L * 1024 / 10, seed: 3);
        var bytes = new FileInfo(path).Length;

        var scan = Stopwatch.StartNew();
        using (var file = File.OpenRead(path))
            Workloads.Csv.CsvChunker.Scan(file, header: true, rowsPerChunk: 500_000, Workloads.Csv.CsvWorkload.MaxChunks);
        var scanSeconds = scan.Elapsed.TotalSeconds;
        _measurements[$"{id}.chunkingScanSeconds"] = scanSeconds;
        _measurements[$"{id}.chunkingScanMBps"] = bytes / 1048576.0 / scanSeconds;
        Progress($"{id}: {rows:N0} rows, {bytes / 1048576.0:0} MB; the chunking scan alone takes {scanSeconds:0.00} s ({bytes / 1048576.0 / scanSeconds:0} MB/s)");

        CsvBench.ParallelForEach(small);
        var pfe = Best(() => CsvBench.ParallelForEach(path), null, id, Pfe);
        Record(section, id, Pfe, rows, pfe.Elapsed.TotalSeconds, pfe.Digest, pfe.Digest, null,
            note: $"chunks on {pfe.Threads} thread-pool threads; includes its chunking scan");

        await using var cluster = new BenchCluster(options.ActorCluster, Path.Combine(_dataRoot, "csv-node"), NodeEnvironment);
        Progress($"{id}: starting a one-node cluster ({_p} workers)...");
        await cluster.AddAsync(new NodeSpec("a", _p));
        await using var client = JobClient.Create([cluster.Seed]);
        var jobs = new ClusterJobs(client);
        await jobs.RunAsync("csv", CsvBench.Args(small), _plan.JobTimeout, CsvBench.FromResultJson);
        ClusterRun? best = null;
        for (var i = 0; i < Math.Max(1, options.Repeat); i++)
        {
            var run = await jobs.RunAsync("csv", CsvBench.Args(path), _plan.JobTimeout, CsvBench.FromResultJson);
            if (run.Digest != pfe.Digest)
                WrongResult(id, $"{One} (run {i + 1})", run.Digest ?? default, pfe.Digest);
            if (best is null || run.WallSeconds < best.WallSeconds) best = run;
        }
        Record(section, id, One, rows, best!.WallSeconds, best.Digest ?? default, pfe.Digest, null, best.WallSeconds,
            $"submit to Completed, including the chunking scan at prepare; {best.Status.ItemsTotal} chunks in {best.Status.Batches} batches, " +
            $"the coordinator's job time {best.CoordinatorSeconds:0.00} s");
    }

    /// <summary>
    /// `actorcluster submit` of a 10 x 1 ms job against a warm node, process start to exit, next to `actorcluster --version`:
    /// what a script that submits many small jobs pays for each, and the part of it that is the runtime's start alone.
    /// </summary>
    private async Task SubmitWallAsync()
    {
        const string section = "submit wall time (process start to exit, warm one-node cluster)";
        const string id = "submit 10 x 1 ms";
        var kernel = new SyntheticKernel(10, 1000);
        var expected = Baselines.Sequential(kernel).Digest;
        await using var cluster = new BenchCluster(options.ActorCluster, Path.Combine(_dataRoot, "submit-node"), NodeEnvironment);
        Progress($"{id}: starting a one-node cluster...");
        await cluster.AddAsync(new NodeSpec("a", _p));
        string[] submit = ["submit", "--seed", cluster.Seed, kernel.Workload, .. kernel.Args];
        var limit = TimeSpan.FromSeconds(60);
        for (var i = 0; i < 2; i++) await SubmitWall.RunAsync(options.ActorCluster, submit, limit); // the node's code paths warm, the files in the page cache
        var runs = Math.Max(_plan.Mode == "quick" ? 9 : 21, options.Repeat);
        var walls = new List<double>();
        var cpus = new List<double>();
        var floors = new List<double>();
        var digest = expected;
        for (var i = 0; i < runs; i++)
        {
            // Alternating, so both see the same background load.
            var floor = await SubmitWall.RunAsync(options.ActorCluster, ["--version"], limit);
            floors.Add(floor.Wall);
            var run = await SubmitWall.RunAsync(options.ActorCluster, submit, limit);
            if (run.ExitCode != 0 || SubmitWall.ResultJson(run.Stdout) is not { } json)
                throw new BenchFailure($"{id}: submit exited {run.ExitCode} without a result: {Core.Text.Echo.Shorten(run.Stdout, 200)}");
            if (kernel.FromResultJson(json) is var got && got != expected) digest = got;
            walls.Add(run.Wall);
            cpus.Add(run.Cpu);
        }
        var (file, _) = SubmitWall.Command(options.ActorCluster);
        var how = file == "dotnet" ? "dotnet actorcluster.dll (not a ReadyToRun publish)" : $"apphost {file}";
        var wall = SubmitWall.Median(walls);
        _measurements[$"{id}.wallMedianSeconds"] = wall;
        _measurements[$"{id}.cpuMedianSeconds"] = SubmitWall.Median(cpus);
        _measurements[$"{id}.versionWallMedianSeconds"] = SubmitWall.Median(floors);
        Record(section, id, "actorcluster --version (floor)", 0, SubmitWall.Median(floors), expected, expected, null, SubmitWall.Median(floors),
            $"median of {runs} runs; runtime start and exit only; {how}");
        Record(section, id, "actorcluster submit", kernel.ItemCount, wall, digest, expected, null, wall,
            $"median of {runs} runs (min {walls.Min():0.000} s, max {walls.Max():0.000} s), CPU {SubmitWall.Median(cpus):0.000} s; target <= 0.300 s; {how}");
    }

    // ---------------------------------------------------------------- machine

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }

    private static MachineInfo Machine(string loadAtStart)
    {
        var cpu = "unknown cpu";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException) { }
        return new MachineInfo(cpu, Environment.ProcessorCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            System.Runtime.InteropServices.RuntimeInformation.OSDescription, Environment.Version.ToString(), loadAtStart, LoadAverage(),
            SpinWork.IterationsPerUs);
    }
}
