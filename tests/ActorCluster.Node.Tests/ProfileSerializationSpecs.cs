using Akka.Actor;
using Akka.TestKit.Xunit;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol;
using ActorCluster.Protocol.Serialization;

namespace ActorCluster.Node.Tests;

public sealed class ProfileSerializationSpecs : TestKit
{
    private static readonly NodeJobUsage Profile = new("memory-aware", 2, "memory-aware: fits 7", 900L << 20, 87.5,
        [new PoolResize(1_700_000_000_000, "shrink", 4, 2, 0.9, "memory at 90% of node limit")]);

    private T RoundTrip<T>(T message) where T : notnull
    {
        var serializer = new ActorClusterSerializer((ExtendedActorSystem)Sys);
        return (T)serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));
    }

    private static readonly CompletedBatch[] Batches = [new(1, 0, 10, 99, [1, 2, 3]), new(2, 10, 10, 98, [4]), new(3, 20, 5, 97, [])];

    [Fact]
    public void Should_round_trip_a_report_with_and_without_a_profile()
    {
        var with = RoundTrip(new BatchesCompleted("j", Batches, 2, 4, Profile));
        var without = RoundTrip(new BatchesCompleted("j", Batches, 2, 4));

        Assert.Equal(Profile.Reason, with.Profile!.Reason);
        Assert.Equal(Profile.Resizes, with.Profile.Resizes);
        Assert.Equal((Profile.Policy, Profile.Workers, Profile.PeakRssBytes, Profile.CpuPercent), (with.Profile.Policy, with.Profile.Workers, with.Profile.PeakRssBytes, with.Profile.CpuPercent));
        Assert.Null(without.Profile);
        foreach (var read in new[] { with, without })
        {
            Assert.Equal((2, 4), (read.Credits, read.Workers));
            Assert.Equal([1L, 2, 3], read.Batches.Select(b => b.BatchId));
            Assert.Equal([1, 2, 3], read.Batches[0].Partial);
            Assert.Equal([4], read.Batches[1].Partial);
            Assert.Empty(read.Batches[2].Partial);
        }
    }

    [Fact]
    public void Should_refuse_a_completion_in_the_format_from_before_reports_were_batched()
    {
        // One "BC" per batch (job id, batch id, start, count, busy micros, partial, profile flag): the manifest is
        // retired, so a node of the previous version is told off loudly instead of being misread.
        var serializer = new ActorClusterSerializer((ExtendedActorSystem)Sys);
        var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write("j"); w.Write7BitEncodedInt64(1); w.Write7BitEncodedInt64(0); w.Write7BitEncodedInt64(10);
            w.Write7BitEncodedInt64(99); w.Write7BitEncodedInt(1); w.Write((byte)7); w.Write(false);
        }

        var refused = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(stream.ToArray(), "BC"));

        Assert.Contains("unknown manifest 'BC'", refused.Message);
    }

    [Fact]
    public void Should_round_trip_node_profiles_in_a_job_status()
    {
        var status = new JobStatus("j", "memhog", JobPhase.Completed, 10, 10, 2, 1000, 0, 0,
            [new NodeTally("akka.tcp://a@h:1", 2, 2, 10, 500, Profile), new NodeTally("akka.tcp://a@h:2", 1, 0, 0, 0)], "{}", null, []);

        var read = RoundTrip(status);

        Assert.Equal(Profile.PeakRssBytes, read.Nodes[0].Profile!.PeakRssBytes);
        Assert.Null(read.Nodes[1].Profile);
        Assert.Equal("{}", read.ResultJson);
    }
}
