using Akka.Actor;
using ActorCluster.Core.Profiling;
using ActorCluster.Node.Agents;
using ActorCluster.Protocol;

namespace ActorCluster.Node.Tests;

/// <summary><c>--chunk-size</c> (or the sweep policy's chunk) travels from a node's plan to the coordinators it asks for work.</summary>
public sealed class ChunkSizeSpecs : Akka.TestKit.Xunit.TestKit
{
    public ChunkSizeSpecs() : base(TestConfig.Setup) { }

    private static readonly ResourceSnapshot Machine = new()
    {
        LogicalCores = 2,
        AffinityCores = 2,
        TotalMemoryBytes = 8L << 30,
        AvailableMemoryBytes = 6L << 30,
        ProcessRssBytes = 100L << 20,
    };

    private IActorRef Agent(Dictionary<string, string> flags)
    {
        var settings = SettingsResolver.Resolve(new SettingSources(flags, _ => null, new Dictionary<string, string>()), Machine);
        return Sys.ActorOf(NodeAgent.Props(TestConfig.Registry(new ProbeWorkload()), new NodeAgentSettings
        {
            Workers = 1,
            Prefetch = 0,
            Planner = new NodePlanner(settings),
            Sample = () => Machine,
        }));
    }

    [Theory]
    [InlineData(null, 0L)]
    [InlineData("7", 7L)]
    public void Should_tell_a_coordinator_the_nodes_chunk_size_whenever_it_asks_for_work(string? chunkSize, long expected)
    {
        var agent = Agent(chunkSize is null ? [] : new() { ["chunk-size"] = chunkSize });
        var coordinator = CreateTestProbe();

        agent.Tell(new JobAvailable("j-1", "probe", ["--items", "100"], coordinator.Ref));
        var request = coordinator.ExpectMsg<RequestWork>();
        coordinator.Reply(new WorkBatches("j-1", [new BatchAssignment(1, 0, 5)]));
        var completed = coordinator.FishForMessage<BatchesCompleted>(_ => true);

        Assert.Equal(expected, request.MaxBatchItems);
        Assert.Equal(expected, completed.MaxBatchItems);
    }
}
