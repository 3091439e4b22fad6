using Akka.Actor;
using Akka.Serialization;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol;
using ActorCluster.Protocol.Serialization;

namespace ActorCluster.Node.Tests;

public sealed class SerializerSpecs : Akka.TestKit.Xunit.TestKit
{
    public SerializerSpecs() : base(TestConfig.Setup) { }

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
        new RequestWork("j-1", 3, 2, false, MaxBatchItems: 50_000),
        new NoWorkNow("j-1", 2),
        new BatchFailed("j-1", 4, 10, 20, "boom"),
        new JobEnded("j-1", JobPhase.Cancelled),
        new JobAccepted("j-1", 1L << 40),
        new JobPreparing("j-1"),
        new JobRejected("lfsr: --degree must be between 2 and 32, got 64"),
        new GetJobStatus("j-1"),
        new CancelJob("j-1"),
        new JobNotFound("j-1"),
        new WatchJob("j-1"),
        new ResumeJob("j-1"),
        new JobFinished(JobPhase.Failed, "items [0, 10) failed 3 times", 1_234),
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
        var completed = RoundTrip(new BatchesCompleted("j", [new CompletedBatch(1, 2, 3, 4, [1, 2, 3])], 1, 2));
        var submit = RoundTrip(new SubmitJob("lfsr", ["--degree", "14"], NoCache: false, Acknowledge: true));
        var available = RoundTrip(new JobAvailable("j", "lfsr", ["--degree", "14"], TestActor));
        var status = RoundTrip(new JobStatus("j", "lfsr", JobPhase.Completed, 10, 10, 2, 55, 0, 3,
            [new NodeTally("akka.tcp://actorcluster@127.0.0.1:1", 2, 2, 10, 40)], "{\"a\":1}", null, ["--degree", "4"], ItemsFromCache: 4, ItemsFailed: 6));
        var list = RoundTrip(new JobList([new JobSummary("j", "lfsr", JobPhase.Running, 10, 5, 100)]));

        Assert.Equal([1, 2, 3], completed.Batches[0].Partial);
        Assert.Equal(["--degree", "14"], submit.Args);
        Assert.True(submit.Acknowledge);
        Assert.Equal(TestActor, available.Coordinator);
        Assert.Equal(("{\"a\":1}", 3L, 40L), (status.ResultJson, status.ItemsExecutedMoreThanOnce, status.Nodes[0].BusyMs));
        Assert.Equal(["--degree", "4"], status.Args);
        Assert.Equal((4L, 6L), (status.ItemsFromCache, status.ItemsFailed));
        Assert.Equal(5, list.Jobs[0].ItemsCompleted);
    }

    [Fact]
    public void Should_write_every_journal_record_with_this_serializer()
    {
        var started = new JobStarted("j-1", "lfsr", ["--degree", "14"], 8192, 1_700_000_000_000);
        var snapshot = new JobSnapshot(started, [0, 40, 50, 70], [1, 2], [new NodeTally("akka.tcp://actorcluster@127.0.0.1:1", 2, 5, 60, 12)],
            80, 10, new JobFinished(JobPhase.Completed, null, 99), 6);

        var readStarted = RoundTrip(started);
        var readSnapshot = RoundTrip(snapshot);

        Assert.Equal((started.JobId, started.Workload, started.ItemsTotal, started.StartedAtUnixMs), (readStarted.JobId, readStarted.Workload, readStarted.ItemsTotal, readStarted.StartedAtUnixMs));
        Assert.Equal(started.Args, readStarted.Args);
        Assert.Equal(snapshot.CompletedIntervals, readSnapshot.CompletedIntervals);
        Assert.Equal(snapshot.Nodes, readSnapshot.Nodes);
        Assert.Equal((80L, 10L, 6L, snapshot.Finished), (readSnapshot.IssuedUpTo, readSnapshot.ItemsExecutedMoreThanOnce, readSnapshot.BatchesCounted, readSnapshot.Finished));
    }

    [Fact]
    public void Should_read_a_status_from_a_node_that_sent_no_arguments()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new GetJobStatus(""));
        var status = new JobStatus("j", "lfsr", JobPhase.Running, 10, 5, 1, 55, 1, 0, [], null, "boom", []);
        var bytes = serializer.ToBinary(status);

        // Before statuses carried arguments they ended with the error; no arguments is one count byte (0).
        var read = (JobStatus)serializer.FromBinary(bytes[..^1], serializer.Manifest(status));

        Assert.Equal(0, bytes[^1]);
        Assert.Equal(("boom", 5L), (read.Error, read.ItemsCompleted));
        Assert.Empty(read.Args);
    }

    [Fact]
    public void Should_read_a_status_from_a_node_that_sent_no_failed_item_count_as_none_failed()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new GetJobStatus(""));
        var status = new JobStatus("j", "exec", JobPhase.Completed, 10, 10, 1, 55, 0, 0, [], "{}", null, [], ItemsFromCache: 2, ItemsFailed: 3);
        var bytes = serializer.ToBinary(status);

        // Before statuses carried failed items they ended with the items from the cache; the count is one byte here.
        var read = (JobStatus)serializer.FromBinary(bytes[..^1], serializer.Manifest(status));

        Assert.Equal(3, bytes[^1]);
        Assert.Equal((2L, 0L), (read.ItemsFromCache, read.ItemsFailed));
    }

    [Fact]
    public void Should_keep_hot_path_messages_compact()
    {
        var serializer = Sys.Serialization.FindSerializerFor(new WorkBatches("", []));
        var jobId = "j-20261123-151822-3fa9c1";
        BatchAssignment Assigned(int i) => new(123_456 + i, 1_000_000_000 + i * 50_000L, 50_000);
        CompletedBatch Done(int i) => new(123_456 + i, 1_000_000_000 + i * 50_000L, 50_000, 150_000, new byte[16]);

        var batch = serializer.ToBinary(new WorkBatches(jobId, [Assigned(0)])).Length;
        var request = serializer.ToBinary(new RequestWork(jobId, 3, 2, false)).Length;
        var completion = serializer.ToBinary(new BatchesCompleted(jobId, [Done(0)], 1, 2)).Length;
        var eightBatches = serializer.ToBinary(new WorkBatches(jobId, Enumerable.Range(0, 8).Select(Assigned).ToArray())).Length;
        var eightCompletions = serializer.ToBinary(new BatchesCompleted(jobId, Enumerable.Range(0, 8).Select(Done).ToArray(), 8, 2)).Length;

        // The job id is most of it; Akka's default JSON would spend ~200 bytes on type names alone.
        Assert.True(batch <= 40, $"WorkBatches of one batch is {batch} bytes");
        Assert.True(request <= 32, $"RequestWork is {request} bytes");
        Assert.True(completion <= 64, $"BatchesCompleted of one batch is {completion} bytes");
        // Each further batch in the same message costs only its numbers (and its partial result).
        Assert.True(eightBatches - batch <= 7 * 12, $"WorkBatches of eight batches is {eightBatches} bytes");
        Assert.True(eightCompletions - completion <= 7 * (12 + 4 + 17), $"BatchesCompleted of eight batches is {eightCompletions} bytes");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(40)]
    public void Should_round_trip_work_batches(int batches)
    {
        var sent = new WorkBatches("j-1", Enumerable.Range(0, batches).Select(i => new BatchAssignment(12 + i, (1L << 40) + i * 65_536L, 65_536 - i)).ToArray());

        var read = RoundTrip(sent);

        Assert.Equal("j-1", read.JobId);
        Assert.Equal(sent.Batches, read.Batches);
    }

    [Fact]
    public void Should_round_trip_a_completion_of_several_batches_and_an_empty_one()
    {
        var sent = new BatchesCompleted("j-1",
        [
            new CompletedBatch(7, 0, 10, 1_500, [1, 2, 3]),
            new CompletedBatch(9, 1L << 40, 65_536, 0, []),
            new CompletedBatch(8, 10, 10, long.MaxValue / 3, [255]),
        ], Credits: 3, Workers: 12);

        var read = RoundTrip(sent);
        var empty = RoundTrip(new BatchesCompleted("j-1", [], 0, 1, MaxBatchItems: 25_000));

        Assert.Equal(("j-1", 3, 12), (read.JobId, read.Credits, read.Workers));
        Assert.Null(read.Profile);
        Assert.Equal(sent.Batches.Select(b => (b.BatchId, b.Start, b.Count, b.BusyMicros)), read.Batches.Select(b => (b.BatchId, b.Start, b.Count, b.BusyMicros)));
        Assert.Equal(sent.Batches.Select(b => Convert.ToHexString(b.Partial)), read.Batches.Select(b => Convert.ToHexString(b.Partial)));
        Assert.Empty(empty.Batches);
        Assert.Equal((0L, 25_000L), (read.MaxBatchItems, empty.MaxBatchItems));
    }

    [Fact]
    public void Should_carry_each_batchs_worker_lane_and_start_and_read_an_older_agents_completion_without_them()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new GetJobStatus(""));
        var sent = new BatchesCompleted("j-1", [new CompletedBatch(7, 0, 10, 1_500, [1], Worker: 0, StartedAtMicros: 1_700_000_000_123_456),
            new CompletedBatch(8, 10, 10, 900, [2], Worker: 11, StartedAtMicros: 1_700_000_000_200_000)], 1, 12);
        var older = serializer.ToBinary(new BatchesCompleted("j-1", [new CompletedBatch(7, 0, 10, 1_500, [1])], 1, 12));

        var read = RoundTrip(sent);
        // An agent from before task streams ended its completion with the records flag: the lanes flag (false) is the last byte now.
        var old = (BatchesCompleted)serializer.FromBinary(older[..^1], "BS");

        Assert.Equal([(0, 1_700_000_000_123_456L), (11, 1_700_000_000_200_000L)], read.Batches.Select(b => (b.Worker, b.StartedAtMicros)));
        Assert.Equal(0, older[^1]);
        Assert.Equal((-1, 0L, 7L), (old.Batches[0].Worker, old.Batches[0].StartedAtMicros, old.Batches[0].BatchId));
    }

    [Fact]
    public void Should_round_trip_a_job_timeline_and_refuse_one_that_names_a_node_it_does_not_list()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new GetJobStatus(""));
        var timeline = new JobTimeline(1_700_000_000_000);
        timeline.RecordBatch("node-a", 0, 1_700_000_000_100_000, 2_000, 0, 10);
        timeline.RecordBatch("node-b", -1, 1_700_000_003_000_000, 1_000, 10, 5);
        timeline.RecordFailure("node-b", 15, 5, "boom <b>", willRetry: true, 1_700_000_003_500);
        timeline.RecordWorkers("node-a", 4, 1_700_000_000_000);
        var sent = timeline.View();

        var read = RoundTrip(new JobTimelineReply("j-1", sent)).Timeline;
        var started = new JobStarted("j-1", "lfsr", ["--degree", "4"], 16, 1_700_000_000_000);
        var snapshot = RoundTrip(new JobSnapshot(started, [0, 16], [], [], 16, 0, new JobFinished(JobPhase.Completed, null, 5), 2, 0, sent));
        var bytes = serializer.ToBinary(new JobTimelineReply("j-1", sent with { Batches = [sent.Batches[0] with { Node = 2 }] }));

        Assert.Equal((sent.OriginUnixMs, sent.BucketMs, sent.BatchesTotal, sent.ItemsTotal, sent.BatchCapacity, sent.FailuresTotal),
            (read.OriginUnixMs, read.BucketMs, read.BatchesTotal, read.ItemsTotal, read.BatchCapacity, read.FailuresTotal));
        Assert.Equal(sent.Nodes, read.Nodes);
        Assert.Equal(sent.Batches, read.Batches);
        Assert.Equal(sent.Buckets, read.Buckets);
        Assert.Equal(sent.Failures, read.Failures);
        Assert.Equal(sent.Workers, read.Workers);
        Assert.Equal(sent.Batches, snapshot.Timeline!.Batches);
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(bytes, "TL"));
    }

    [Fact]
    public void Should_read_a_work_request_from_a_node_that_sent_no_chunk_size()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new GetJobStatus(""));
        var bytes = serializer.ToBinary(new RequestWork("j-1", 3, 2, true));

        // Before requests carried a chunk size they ended with the resync flag; no bound is one byte (0).
        var read = (RequestWork)serializer.FromBinary(bytes[..^1], "RW");

        Assert.Equal(0, bytes[^1]);
        Assert.Equal(new RequestWork("j-1", 3, 2, true), read);
    }

    [Fact]
    public void Should_round_trip_a_journal_event_of_several_ranges()
    {
        var sent = new BatchesCounted(
        [
            new CountedRange(0, 10, 1_000, [1]),
            new CountedRange(30, 10, 2_000, []),
            new CountedRange(1L << 40, 5, 3, [4, 5, 6]),
        ], "akka.tcp://actorcluster@127.0.0.1:4053", 4, 1L << 41);

        var read = RoundTrip(sent);

        Assert.Equal((sent.Node, sent.Workers, sent.IssuedUpTo), (read.Node, read.Workers, read.IssuedUpTo));
        Assert.Equal(sent.Ranges.Select(r => (r.Start, r.Count, r.BusyMicros, Convert.ToHexString(r.Partial))),
            read.Ranges.Select(r => (r.Start, r.Count, r.BusyMicros, Convert.ToHexString(r.Partial))));
    }

    [Fact]
    public void Should_read_a_counted_batch_journaled_before_completions_were_batched()
    {
        // An earlier version journaled one "E2" event per counted batch:
        // start, count, busy micros, node, workers, issued-up-to, partial.
        var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write7BitEncodedInt64(40); w.Write7BitEncodedInt64(10); w.Write7BitEncodedInt64(2_000);
            w.Write("akka.tcp://actorcluster@127.0.0.1:4053"); w.Write7BitEncodedInt(2); w.Write7BitEncodedInt64(70);
            w.Write7BitEncodedInt(3); w.Write(new byte[] { 9, 8, 7 });
        }
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(new BatchesCounted([], "", 0, 0));

        var read = Assert.IsType<BatchesCounted>(serializer.FromBinary(stream.ToArray(), "E2"));

        var range = Assert.Single(read.Ranges);
        Assert.Equal((40L, 10L, 2_000L), (range.Start, range.Count, range.BusyMicros));
        Assert.Equal([9, 8, 7], range.Partial);
        Assert.Equal(("akka.tcp://actorcluster@127.0.0.1:4053", 2, 70L), (read.Node, read.Workers, read.IssuedUpTo));
    }
}
