using Akka.Actor;
using Akka.TestKit.Xunit2;
using ActorCluster.Node.Protocol;
using ActorCluster.Node.Serialization;

namespace ActorCluster.Node.Tests;

public sealed class ProfileSerializationSpecs : TestKit
{
    private static readonly NodeProfile Profile = new("memory-aware", 2, "memory-aware: fits 7", 900L << 20, 87.5,
        [new PoolResize(1_700_000_000_000, "shrink", 4, 2, 0.9, "memory at 90% of node limit")]);

    private T RoundTrip<T>(T message) where T : notnull
    {
        var serializer = new ActorClusterSerializer((ExtendedActorSystem)Sys);
        return (T)serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));
    }

    [Fact]
    public void Should_round_trip_a_completion_with_and_without_a_profile()
    {
        var with = RoundTrip(new BatchCompleted("j", 1, 0, 10, 99, [1, 2, 3], Profile));
        var without = RoundTrip(new BatchCompleted("j", 1, 0, 10, 99, [1, 2, 3]));

        Assert.Equal(Profile.Reason, with.Profile!.Reason);
        Assert.Equal(Profile.Resizes, with.Profile.Resizes);
        Assert.Null(without.Profile);
        Assert.Equal([1, 2, 3], without.Partial);
    }

    [Fact]
    public void Should_read_a_completion_written_before_profiles_existed()
    {
        var serializer = new ActorClusterSerializer((ExtendedActorSystem)Sys);
        var bytes = serializer.ToBinary(new BatchCompleted("j", 1, 0, 10, 99, [7]));

        var old = (BatchCompleted)serializer.FromBinary(bytes[..^1], "BC"); // without the trailing "no profile" flag

        Assert.Null(old.Profile);
        Assert.Equal([7], old.Partial);
    }

    [Fact]
    public void Should_round_trip_node_profiles_in_a_job_status()
    {
        var status = new JobStatus("j", "memhog", JobState.Completed, 10, 10, 2, 1000, 0, 0,
            [new NodeReport("akka.tcp://a@h:1", 2, 2, 10, 500, Profile), new NodeReport("akka.tcp://a@h:2", 1, 0, 0, 0)], "{}", null);

        var read = RoundTrip(status);

        Assert.Equal(Profile.PeakRssBytes, read.Nodes[0].Profile!.PeakRssBytes);
        Assert.Null(read.Nodes[1].Profile);
        Assert.Equal("{}", read.ResultJson);
    }
}
