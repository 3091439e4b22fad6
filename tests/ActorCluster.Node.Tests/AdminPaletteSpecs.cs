using ActorCluster.Admin.Client;
using ActorCluster.Core.Jobs;
using ActorCluster.Node.Admin;
using ActorCluster.Node.Agents;
using ActorCluster.Node.Hosting;
using ActorCluster.Workloads;

namespace ActorCluster.Node.Tests;

/// <summary>One single-node cluster in process with its command host, shared by the specs of a class.</summary>
public sealed class AdminNodeFixture : IAsyncLifetime
{
    private InProcessNode _node = null!;
    private string _adminEndpoint = "";

    public AdminClient Client { get; private set; } = null!;

    /// <summary>Given, so the node writes no token file of its own into the runner's runtime directory.</summary>
    private const string AdminToken = "admin-palette-specs-token";

    public async ValueTask InitializeAsync()
    {
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = new NodeSettings
        {
            Port = 0,
            DataDir = Path.GetTempPath(),
            Agent = new NodeAgentSettings { Workers = 3, PlanReason = "test plan", WorkerDispatcher = "akka.actor.default-dispatcher" },
            Admin = new AdminOptions { Port = 0, PortExplicit = true, Token = AdminToken, Announce = line => { if (line.StartsWith("admin: listening on ")) listening.TrySetResult(line[20..]); } },
        };
        _node = await InProcessNode.StartAsync(settings, new WorkloadRegistry(BuiltInWorkloads.All));
        _adminEndpoint = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var port = int.Parse(_adminEndpoint.Split(':')[^1]);
        Client = await AdminClient.ConnectAsync("127.0.0.1", port, AdminToken, TimeSpan.FromSeconds(5));
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _node.DisposeAsync();
    }
}

/// <summary>
/// A whole single-node cluster administered through its command host: every palette command that
/// does not need more nodes answers, and the pool can be pinned and released.
/// </summary>
public sealed class AdminPaletteSpecs(AdminNodeFixture node) : IClassFixture<AdminNodeFixture>
{
    private AdminClient Client => node.Client;

    private async Task<(bool Ok, string? Error, List<string> Lines)> Run(string palette, string command, params string[] args)
    {
        var lines = new List<string>();
        var outcome = await Client.RunAsync(palette, command, args, lines.Add, TimeSpan.FromSeconds(20));
        return (outcome.Ok, outcome.Error, lines);
    }

    [Fact]
    public async Task Should_offer_the_five_palettes_of_the_issue()
    {
        Assert.Equal(["cluster", "cluster-sharding", "actor", "jobs", "node"], Client.Palettes.Select(p => p.Name));
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData("cluster", "status", "| up | reachable |")]
    [InlineData("cluster", "leader", "akka.tcp://actorcluster@")]
    [InlineData("cluster-sharding", "regions", "job |")]
    [InlineData("cluster-sharding", "region-stats", "Total:", "-r", "job")]
    [InlineData("actor", "hierarchy", "/user/node-agent", "-d", "1")]
    [InlineData("actor", "hierarchy", "/system/sharding", "-s", "/system", "-d", "1")]
    [InlineData("jobs", "list", "Count: 0 jobs")]
    [InlineData("node", "profile", "plan: 3 workers (test plan)")]
    public async Task Should_answer_a_single_node_command(string palette, string command, string expected, params string[] args)
    {
        var (ok, error, lines) = await Run(palette, command, args);

        Assert.True(ok, error);
        Assert.Contains(lines, l => l.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_wait_until_the_node_is_up_then_show_it_as_the_only_member()
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        List<string> lines;
        do
        {
            (_, _, lines) = await Run("cluster", "show");
        } while (!lines.Any(l => l.Contains("| up |")) && DateTime.UtcNow < until && await Task.Delay(200).ContinueWith(_ => true));

        Assert.Equal("Count: 1 nodes", lines[^1]);
        Assert.Matches(@"^akka\.tcp://actorcluster@127\.0\.0\.1:\d+ \| \[coordinator, worker\] \| up \| reachable \| \S+$", lines[0]);
    }

    [Fact]
    public async Task Should_pin_the_worker_pool_and_release_it_back_to_the_plan()
    {
        var pinned = await Run("node", "workers", "-n", "1");
        var shown = await Run("node", "workers");
        var released = await Run("node", "workers", "--auto");

        Assert.Contains("pinned to 1 workers; 1 workers now", pinned.Lines.Single());
        Assert.Contains("target 1 workers", shown.Lines.Single());
        Assert.Contains("back to the profiler's 3 workers (test plan); 3 workers now", released.Lines.Single());
    }

    [Theory]
    [InlineData("node", "workers", "-n must be a whole number", "-n", "0")]
    [InlineData("node", "workers", "either -n N or --auto", "-n", "2", "--auto")]
    [InlineData("jobs", "show", "no job 'j-nope'", "j-nope")]
    [InlineData("cluster", "down", "is not a member", "-a", "127.0.0.1:1")]
    [InlineData("cluster", "join", "is not a member address", "-a", "nonsense")]
    [InlineData("cluster-sharding", "region-stats", "no region 'nope'", "-r", "nope")]
    [InlineData("actor", "hierarchy", "no actor at /user/nope", "-s", "/user/nope")]
    public async Task Should_explain_what_is_wrong_with_a_command(string palette, string command, string expected, params string[] args)
    {
        var (ok, error, _) = await Run(palette, command, args);

        Assert.False(ok);
        Assert.Contains(expected, error);
    }
}
