using Akka.Actor;
using Akka.Serialization;
using ActorCluster.Node.Protocol;
using ActorCluster.Node.Serialization;

namespace ActorCluster.Node.Tests;

public sealed class SerializerSpecs : Akka.TestKit.Xunit2.TestKit
{
    public SerializerSpecs() : base(TestConfig.Hocon) { }

    private T RoundTrip<T>(T message) where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<ActorClusterSerializer>(serializer);
        var bytes = serializer.ToBinary(message);
        return (T)Sys.Serialization.Deserialize(bytes, serializer.Identifier, ((SerializerWithStringManifest)serializer).Manifest(message));
    }

    public static TheoryData<object> Messages() => new()
    {
        new RequestWork("j-1", 3, 2, true),
        new WorkBatch("j-1", 12, 1L << 40, 65_536),
        new NoWorkNow("j-1", 2),
        new BatchFailed("j-1", 4, 10, 20, "boom"),
        new JobEnded("j-1", JobState.Cancelled),
        new JobAccepted("j-1", 1L << 40),
        new JobRejected("lfsr: --degree must be between 2 and 32, got 64"),
        new GetJobStatus("j-1"),
        new CancelJob("j-1"),
        new JobNotFound("j-1"),
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Should_round_trip_every_simple_message(object message)
    {
        Assert.Equal(message, RoundTrip(message));
    }

    [Fact]
    public void Should_round_trip_messages_with_lists_bytes_and_actor_refs()
    {
        var completed = RoundTrip(new BatchCompleted("j", 1, 2, 3, 4, [1, 2, 3]));
        var submit = RoundTrip(new SubmitJob("lfsr", ["--degree", "14"]));
        var available = RoundTrip(new JobAvailable("j", "lfsr", ["--degree", "14"], TestActor));
        var status = RoundTrip(new JobStatus("j", "lfsr", JobState.Completed, 10, 10, 2, 55, 0, 3,
            [new NodeReport("akka.tcp://actorcluster@127.0.0.1:1", 2, 2, 10, 40)], "{\"a\":1}", null));
        var list = RoundTrip(new JobList([new JobSummary("j", "lfsr", JobState.Running, 10, 5, 100)]));

        Assert.Equal([1, 2, 3], completed.Partial);
        Assert.Equal(["--degree", "14"], submit.Args);
        Assert.Equal(TestActor, available.Coordinator);
        Assert.Equal(("{\"a\":1}", 3L, 40L), (status.ResultJson, status.ItemsExecutedMoreThanOnce, status.Nodes[0].BusyMs));
        Assert.Equal(5, list.Jobs[0].ItemsCompleted);
    }

    [Fact]
    public void Should_keep_hot_path_messages_compact()
    {
        var serializer = Sys.Serialization.FindSerializerFor(new WorkBatch("", 0, 0, 0));
        var jobId = "j-20261123-151822-3fa9c1";

        var batch = serializer.ToBinary(new WorkBatch(jobId, 123_456, 1_000_000_000, 50_000)).Length;
        var request = serializer.ToBinary(new RequestWork(jobId, 3, 2, false)).Length;
        var completion = serializer.ToBinary(new BatchCompleted(jobId, 123_456, 1_000_000_000, 50_000, 150_000, new byte[16])).Length;

        // The job id is most of it; Akka's default JSON would spend ~200 bytes on type names alone.
        Assert.True(batch <= 40, $"WorkBatch is {batch} bytes");
        Assert.True(request <= 32, $"RequestWork is {request} bytes");
        Assert.True(completion <= 64, $"BatchCompleted is {completion} bytes");
    }
}
