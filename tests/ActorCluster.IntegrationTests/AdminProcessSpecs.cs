using ActorCluster.Tests.Shared;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit.Abstractions;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// pbm against real node processes over real TCP. Each spec starts its own cluster (they run one after
/// another: this class is one xUnit collection) and kills it at the end.
/// </summary>
public sealed class AdminProcessSpecs(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(45);

    // The profiler plans sleeping (`--kind sleep`) jobs as io-bound, up to 45 workers per node: a job sized
    // for seconds of work would be over before pbm could look at it. A fixed pool keeps the jobs below
    // running long enough to pin, leave and cancel in the middle of them.
    private static readonly string[] FixedPool = ["--workers", "2"];

    /// <summary>
    /// What a second, identical fuzz round may add to the node's RSS: measured 1-3 MB (GC and allocator noise).
    /// A host that kept the 10 MB argument it refused, or a buffer per dropped connection, adds more.
    /// </summary>
    private const long SecondFuzzRoundRssLimit = 8L << 20;
    private readonly AdminTestCluster _cluster = new();

    [Fact]
    public async Task Should_show_three_members_up_pin_workers_and_finish_a_job_while_a_node_leaves()
    {
        var clock = Stopwatch.StartNew();
        var nodes = await _cluster.StartClusterAsync(3, FixedPool);
        var seed = nodes[0];
        output.WriteLine($"cluster up in {clock.ElapsedMilliseconds} ms");

        var show = await AdminTestCluster.PbmUntilAsync(seed, r => r.Stdout.Contains("Count: 3 nodes") && CountUp(r) == 3, Eventually, "cluster", "show");
        Assert.Equal(0, show.ExitCode);
        Assert.Equal(3, CountUp(show));
        Assert.All(nodes, n => Assert.Contains($"{n.Address} | [coordinator, worker] | up | reachable |", show.Stdout));

        // 18,000 x 5 ms on 6 workers: at least 15 s of work, often twice that on a busy machine.
        var jobId = await AdminTestCluster.SubmitDetachedAsync(SeedPort(seed), "synthetic", "--items", "18000", "--cost-us", "5000", "--kind", "sleep");
        // The job's coordinator lives on whichever node's receptionist took the submission. Each node has its own
        // SQLite job store, so a coordinator handed off by a leaving node could not recover its journal elsewhere:
        // the node that leaves is a joiner that does not host it (coordinator hand-off is not what this spec is about).
        var host = await CoordinatorOfAsync(nodes, jobId);
        var leaver = nodes.Skip(1).First(n => n != host);
        var pinned = nodes.Skip(1).First(n => n != leaver);
        var workers = await AdminTestCluster.PbmAsync(pinned, "node", "workers", "-n", "1");
        Assert.True(workers.ExitCode == 0, workers.ToString());
        Assert.Contains("pinned to 1 workers", workers.Stdout);
        // The next report from that node carries the new pool size.
        var report = await AdminTestCluster.PbmUntilAsync(seed, r => r.Stdout.Contains($"{pinned.Address} | 1 workers"), Eventually, "jobs", "show", jobId);
        Assert.Contains($"{pinned.Address} | 1 workers", report.Stdout);
        Assert.Contains("| running", report.Stdout); // still in flight when the node leaves

        var leave = await AdminTestCluster.PbmAsync(leaver, "cluster", "leave");
        Assert.True(leave.ExitCode == 0, leave.ToString());
        Assert.True(await leaver.WaitForExitAsync(Eventually), "the leaving node did not stop");
        var after = await AdminTestCluster.PbmUntilAsync(seed, r => r.Stdout.Contains("Count: 2 nodes"), Eventually, "cluster", "show");
        Assert.Contains("Count: 2 nodes", after.Stdout);
        Assert.DoesNotContain(leaver.Address!, after.Stdout);

        var done = await AdminTestCluster.PbmUntilAsync(seed, r => r.Stdout.Contains("| completed"), TimeSpan.FromSeconds(90), "jobs", "show", jobId);
        Assert.True(done.Stdout.Contains("| completed"), done.ToString());
        Assert.Contains("progress: 18,000/18,000 items", done.Stdout);
        output.WriteLine(done.Stdout);
        output.WriteLine($"total {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Should_cancel_a_running_job_and_down_a_killed_node_with_down_unreachable()
    {
        // Keep the split brain resolver out of the way, so it is pbm that downs the dead node.
        var config = Path.Combine(_cluster.DataRoot, "slow-sbr.hocon");
        await File.WriteAllTextAsync(config, "akka.cluster.split-brain-resolver.stable-after = 60s\n");
        var nodes = await _cluster.StartClusterAsync(3, ["--config", config, .. FixedPool]);
        var (seed, victim) = (nodes[0], nodes[2]);
        var members = await AdminTestCluster.PbmUntilAsync(seed, r => CountUp(r) == 3, Eventually, "cluster", "show");
        Assert.Equal(3, CountUp(members));

        var jobId = await AdminTestCluster.SubmitDetachedAsync(SeedPort(seed), "synthetic", "--items", "20000", "--cost-us", "5000", "--kind", "sleep");
        var running = await AdminTestCluster.PbmUntilAsync(seed, r => r.Stdout.Contains("| running"), Eventually, "jobs", "show", jobId);
        Assert.True(running.Stdout.Contains("| running"), running.ToString()); // cancelling a finished job proves nothing
        var cancel = await AdminTestCluster.PbmAsync(seed, "jobs", "cancel", jobId);
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        var cancelled = await AdminTestCluster.PbmUntilAsync(seed, r => r.Stdout.Contains("| cancelled"), Eventually, "jobs", "show", jobId);
        Assert.Contains("| cancelled", cancelled.Stdout);
        var list = await AdminTestCluster.PbmAsync(seed, "jobs", "list");
        Assert.Contains($"{jobId} | synthetic | cancelled", list.Stdout);

        victim.Kill(); // kill -9: no leave, no goodbye
        var unreachable = await AdminTestCluster.PbmUntilAsync(seed, r => r.Stdout.Contains($"{victim.Address} | [coordinator, worker] | up | unreachable"),
            Eventually, "cluster", "show");
        Assert.True(unreachable.Stdout.Contains($"{victim.Address} | [coordinator, worker] | up | unreachable"), unreachable.ToString());

        var down = await AdminTestCluster.PbmAsync(seed, "cluster", "down-unreachable");
        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Contains($"downing {victim.Address}", down.Stdout);
        var after = await AdminTestCluster.PbmUntilAsync(seed, r => r.Stdout.Contains("Count: 2 nodes"), Eventually, "cluster", "show");
        Assert.Contains("Count: 2 nodes", after.Stdout);
        Assert.DoesNotContain(victim.Address!, after.Stdout);
    }

    [Fact]
    public async Task Should_stay_up_and_answer_after_protocol_fuzz_and_keep_nothing_it_refused()
    {
        var node = _cluster.StartNode(["--port", "0", "--admin-port", "0"]);
        await AdminTestCluster.WaitUpWithAdminAsync(node);
        var endpoint = IPEndPoint.Parse(AdminTestCluster.AdminEndpoint(node));
        Assert.Equal(0, (await AdminTestCluster.PbmAsync(node, "cluster", "status")).ExitCode);
        var clock = Stopwatch.StartNew();

        // The first round also warms the node up (JIT, GC budgets, thread pool); the second is the same
        // traffic again, so what it adds is what the host keeps.
        var sent = await FuzzAsync(endpoint);
        var rssWarm = node.ResidentBytes();
        sent += await FuzzAsync(endpoint);
        var rssAfter = node.ResidentBytes();

        var status = await AdminTestCluster.PbmAsync(node, "cluster", "status");
        output.WriteLine($"fuzz: {sent} connections in {clock.ElapsedMilliseconds} ms; node RSS {rssWarm >> 20} MB after the first round, {rssAfter >> 20} MB after the second");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains($"{node.Address} | [coordinator, worker] | up | reachable", status.Stdout);
        Assert.False(node.HasExited);
        Assert.NotNull(rssWarm);
        Assert.NotNull(rssAfter);
        Assert.True(rssAfter - rssWarm < SecondFuzzRoundRssLimit,
            $"the second fuzz round grew the node by {(rssAfter - rssWarm) >> 20} MB (limit {SecondFuzzRoundRssLimit >> 20} MB): the host keeps what it refused");
    }

    /// <summary>One round of bad admin traffic: junk, malformed and hostile frames, a 10 MB argument, 200 connections at once.</summary>
    private static async Task<int> FuzzAsync(IPEndPoint endpoint)
    {
        var random = new Random(6);
        var hello = Frame("""{"type":"hello","version":1,"client":"fuzz"}""");
        var sent = 0;

        for (var i = 0; i < 50; i++)
        {
            var junk = new byte[random.Next(1, 4096)];
            random.NextBytes(junk);
            await SendAsync(endpoint, junk);
            sent++;
        }
        byte[][] crafted =
        [
            hello[..3],
            hello[..^4],
            [.. hello, .. Frame("""{"type":"request","id":1,"palette":"no-such-palette","command":"x"}""")],
            [.. hello, .. Frame("""{"type":"request","id":1,"palette":"cluster","command":"no-such-command"}""")],
            [.. hello, .. Frame("""{"type":"request","id":1,"palette":"cluster","command":"join"}""")],
            [.. hello, .. Frame("""{"type":"request","id":1,"palette":"cluster","command":"down","args":["-a","not an address"]}""")],
            [.. hello, .. Frame("""{"type":"request","id":1,"palette":"actor","command":"hierarchy","args":["-d","99999"]}""")],
            [.. hello, .. Frame("""{"type":"request","id":1,"palette":"jobs","command":"show","args":["../../etc/passwd"]}""")],
            [.. hello, .. Frame("""{"type":"whatever"}""")],
            [.. hello, 0x7f, 0xff, 0xff, 0xff],
        ];
        foreach (var bytes in crafted)
        {
            await SendAsync(endpoint, bytes);
            sent++;
        }
        // A 10 MB argument.
        var huge = Frame($$"""{"type":"request","id":1,"palette":"jobs","command":"show","args":["{{new string('x', 10 * 1024 * 1024)}}"]}""");
        await SendAsync(endpoint, [.. hello, .. huge]);
        sent++;
        // 200 concurrent connections opened and dropped.
        await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var c = new TcpClient();
            await c.ConnectAsync(endpoint);
            try
            {
                if (i % 2 == 1) await c.GetStream().WriteAsync(hello.AsMemory(0, 5 + i % 20));
            }
            catch (IOException) { } // refused beyond the connection limit
            c.Client.LingerState = new LingerOption(true, 0);
        }));
        return sent + 200;
    }

    [Fact]
    public async Task Should_require_a_token_off_loopback_and_reject_a_wrong_one()
    {
        var refused = _cluster.StartNode(["--port", "0", "--admin-host", "0.0.0.0", "--admin-port", "0"]);
        Assert.True(await refused.WaitForExitAsync(AdminTestCluster.StartTimeout), "a node with an open admin host and no token must not start");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("ACTORCLUSTER_ADMIN_TOKEN", refused.Log);

        var token = new Dictionary<string, string?> { ["ACTORCLUSTER_ADMIN_TOKEN"] = "correct horse battery" };
        // Plain TCP off loopback needs --insecure (TlsClusterSpecs covers the admin host on TLS).
        var node = _cluster.StartNode(["--port", "0", "--admin-host", "0.0.0.0", "--admin-port", "0", "--insecure"], token);
        await AdminTestCluster.WaitUpWithAdminAsync(node);
        var port = AdminTestCluster.AdminEndpoint(node).Split(':')[^1];

        var wrong = await AdminTestCluster.PbmAsync([$"127.0.0.1:{port}", "--token", "battery staple", "cluster", "status"]);
        var none = await AdminTestCluster.PbmAsync([$"127.0.0.1:{port}", "cluster", "status"]);
        var right = await AdminTestCluster.PbmAsync([$"127.0.0.1:{port}", "cluster", "status"], environment: token);

        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("authentication failed", wrong.Stderr);
        Assert.NotEqual(0, none.ExitCode);
        Assert.True(right.ExitCode == 0, right.ToString());
    }

    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Should_let_only_a_local_user_who_can_read_the_nodes_token_file_down_the_node()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix file modes");
        var node = _cluster.StartNode(["--port", "0", "--admin-port", "0"]);
        await AdminTestCluster.WaitUpWithAdminAsync(node);
        var endpoint = AdminTestCluster.AdminEndpoint(node);
        var tokenFile = Path.Combine(ActorClusterProgram.RuntimeDir, "actorcluster", $"admin-{endpoint.Split(':')[^1]}.token");
        var self = node.Address ?? throw new InvalidOperationException($"{node.Name} printed no address:\n{node.Log}");
        // Another local user: same port, but no token given and no token file they could read.
        var stranger = new Dictionary<string, string?> { ["XDG_RUNTIME_DIR"] = _cluster.DataRoot };
        var mode = File.GetUnixFileMode(tokenFile);

        var refused = await AdminTestCluster.PbmAsync([endpoint, "cluster", "down", "-a", self], environment: stranger);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var owner = await AdminTestCluster.PbmAsync(node, "cluster", "status");

        Assert.False(node.HasExited, $"the node went down:\n{node.Log}");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("authentication failed", refused.Stderr);
        Assert.Contains($"admin: token for this user's pbm in {tokenFile}", node.Log);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        Assert.True(owner.ExitCode == 0, owner.ToString());
        Assert.Contains("| up |", owner.Stdout);
    }

    [Fact]
    public async Task Should_run_without_a_host_when_the_default_port_is_taken_but_fail_on_a_taken_explicit_port()
    {
        // Hold 9110 ourselves if it is free; if someone else holds it, it is taken all the same.
        TcpListener? holder = null;
        try
        {
            holder = new TcpListener(IPAddress.Loopback, 9110);
            holder.Start();
        }
        catch (SocketException)
        {
            holder = null;
        }
        try
        {
            var defaultPort = _cluster.StartNode(["--port", "0"]);
            await defaultPort.WaitForLineAsync(l => l.Contains("admin: port 9110 in use, admin host disabled; use --admin-port"), AdminTestCluster.StartTimeout);
            await defaultPort.WaitUpAsync(AdminTestCluster.StartTimeout);
            Assert.False(defaultPort.HasExited);

            var explicitPort = _cluster.StartNode(["--port", "0", "--admin-port", "9110"]);
            Assert.True(await explicitPort.WaitForExitAsync(AdminTestCluster.StartTimeout), "a node whose requested admin port is taken must not start");
            Assert.NotEqual(0, explicitPort.ExitCode);
            Assert.Contains("in use", explicitPort.Log);
        }
        finally
        {
            holder?.Stop();
        }
    }

    /// <summary>The node whose coordinator logged the job's start.</summary>
    private static async Task<NodeProcess> CoordinatorOfAsync(IReadOnlyList<NodeProcess> nodes, string jobId)
    {
        var until = DateTime.UtcNow + Eventually;
        while (true)
        {
            var host = nodes.FirstOrDefault(n => n.Log.Contains($"job {jobId}: synthetic ", StringComparison.Ordinal));
            if (host is not null) return host;
            Assert.True(DateTime.UtcNow < until, $"no node logged the start of job {jobId}");
            await Task.Delay(100);
        }
    }

    private static int CountUp(CommandResult run) => run.Lines.Count(l => l.Contains("| up | reachable |", StringComparison.Ordinal));

    private static int SeedPort(NodeProcess seed) => int.Parse(seed.HostPort!.Split(':')[^1]);

    private static byte[] Frame(string json) => RawAdminFrame.From(json);

    /// <summary>Sends bytes, reads for up to a second (or until the host closes), then drops the connection.</summary>
    private static async Task SendAsync(IPEndPoint endpoint, byte[] bytes)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint);
        var stream = client.GetStream();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await stream.WriteAsync(bytes, cts.Token);
            var buffer = new byte[4096];
            while (await stream.ReadAsync(buffer, cts.Token) > 0) { }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException) { }
    }

    public void Dispose() => _cluster.Dispose();
}
