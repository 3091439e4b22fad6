using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol;
using ActorCluster.Protocol.Serialization;

namespace ActorCluster.Node.Tests;

/// <summary>
/// Whoever reaches the cluster port chooses the bytes and the manifest: a bad frame must cost a serialization error
/// and about its own size in memory, never an allocation sized by a length prefix.
/// Built on a plain ActorSystem, not a TestKit, so it does not depend on the xunit flavour of the TestKit.
/// </summary>
public sealed class SerializerFuzzSpecs : IDisposable
{
    private const int Seed = 20261202;
    private const int RandomCasesPerManifest = 150;

    /// <summary>A bad frame may cost its own size many times over in small objects, but never megabytes on a prefix's say-so.</summary>
    private static long AllocationBound(int inputLength) => 1024 * 1024 + 16L * inputLength;

    /// <summary>Counts and lengths an attacker would write: the 2^25 and 0x7FFFFFC7 of the report, int.MaxValue, and negatives as 7-bit values.</summary>
    private static readonly long[] HugeValues = [1 << 25, 0x7FFFFFC7, int.MaxValue, -1, int.MinValue, long.MaxValue, long.MinValue];

    private readonly ActorSystem _system = ActorSystem.Create("fuzz", TestConfig.Setup);
    private readonly SerializerWithStringManifest _serializer;

    public SerializerFuzzSpecs()
    {
        _serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(new GetJobStatus(""));
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    /// <summary>One valid encoding per manifest, with lists, bytes and optional parts filled so every length prefix is on the path.</summary>
    private Dictionary<string, byte[]> ValidEncodings()
    {
        var usage = new NodeJobUsage("adaptive", 4, "cpu", 1 << 30, 93.5, [new PoolResize(1_700_000_000_000, "grow", 2, 4, 0.4, "idle cpu")]);
        var tally = new NodeTally("akka.tcp://actorcluster@127.0.0.1:4053", 4, 10, 500, 1_200, usage);
        var manifest = new ManifestInfo(3, 2_500_000, new string('A', 64));
        var started = new JobStarted("j-1", "files", ["--path", "/data"], 8192, 1_700_000_000_000, manifest, "0123456789abcdef", true);
        var timeline = new JobTimelineView(1_700_000_000_000, 2_000, ["akka.tcp://actorcluster@127.0.0.1:4053", "n2"], 40, 400, 5_000,
            [new TimelineBatch(0, 2, 1_700_000_000_000_000, 1_700_000_000_500_000, 10, 20), new TimelineBatch(1, -1, 5, 9, 30, 5)],
            [new TimelineBucket(0, 0, 3, 30, 900, 10), new TimelineBucket(2_000, 1, 1, 5, 4, 5)], 3,
            [new TimelineFailure(1_700_000_000_100, 1, 30, 5, "boom", true)], [new TimelineWorkers(1_700_000_000_000, 0, 4), new TimelineWorkers(1_700_000_000_300, 1, 2)]);
        object[] messages =
        [
            new RequestWork("j-1", 3, 2, true, 50_000),
            new WorkBatches("j-1", [new BatchAssignment(1, 2, 3), new BatchAssignment(4, 1L << 40, 65_536)]),
            new NoWorkNow("j-1", 2),
            new BatchesCompleted("j-1", [new CompletedBatch(1, 2, 3, 4, [1, 2, 3], [7, 7]), new CompletedBatch(5, 6, 7, 8, [], [], 2, 3, 1_700_000_000_000_000)], 1, 2, usage, 25_000),
            new BatchFailed("j-1", 4, 10, 20, "boom"),
            new JobAvailable("j-1", "lfsr", ["--degree", "14"], _system.DeadLetters, manifest),
            new JobEnded("j-1", JobPhase.Cancelled),
            new SubmitJob("lfsr", ["--degree", "14"], true, true),
            new JobPreparing("j-1"),
            new StartJob("j-1", "lfsr", ["--degree", "14"], true),
            new JobAccepted("j-1", 1L << 40),
            new JobRejected("no such workload"),
            new GetJobStatus("j-1"),
            new CancelJob("j-1"),
            new JobNotFound("j-1"),
            new JobStatus("j-1", "lfsr", JobPhase.Completed, 10, 10, 2, 55, 1, 3, [tally, tally], "{\"a\":1}", "boom", ["--degree", "4"], 7),
            new ListJobs(),
            new JobList([new JobSummary("j-1", "lfsr", JobPhase.Running, 10, 5, 100), new JobSummary("j-2", "memhog", JobPhase.Failed, 1, 0, 3)]),
            started,
            new BatchesCounted([new CountedRange(0, 10, 1_000, [1]), new CountedRange(30, 10, 2_000, [])], "akka.tcp://actorcluster@127.0.0.1:4053", 4, 40),
            new JobFinished(JobPhase.Failed, "items [0, 10) failed 3 times", 1_234),
            new JobSnapshot(started, [0, 40, 50, 70], [1, 2], [tally], 80, 10, new JobFinished(JobPhase.Completed, null, 99), 6, 12, timeline),
            new ResumeJob("j-1"),
            new ReturnBatches("j-1", [1, 2, 3]),
            new WatchJob("j-1"),
            new GetManifestChunk("j-1", 2),
            new ManifestChunk("j-1", 2, [1, 2, 3, 4]),
            new BatchRecordsPart("j-1", 5, [9, 9, 9]),
            new GetJobResults("j-1", 1_000),
            new JobResults("j-1", 1_000, 1_002, false, ["{\"item\":1000}", "{\"item\":1001}"]),
            new ClearResultCache(true),
            new ResultCacheCleared(10, 2_000),
            new ItemsFromCache([new CountedRange(0, 10, 0, [1, 2]), new CountedRange(20, 5, 0, [])]),
            new GetJobTimeline("j-1"),
            new JobTimelineReply("j-1", timeline),
        ];
        var encodings = messages.ToDictionary(m => _serializer.Manifest(m), m => _serializer.ToBinary(m));
        encodings["E2"] = LegacyBatchCounted();
        encodings["??"] = [1, 2, 3];
        return encodings;
    }

    /// <summary>The "E2" event older journals hold: start, count, busy micros, node, workers, issued-up-to, partial.</summary>
    private static byte[] LegacyBatchCounted()
    {
        var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write7BitEncodedInt64(40); w.Write7BitEncodedInt64(10); w.Write7BitEncodedInt64(2_000);
            w.Write("akka.tcp://actorcluster@127.0.0.1:4053"); w.Write7BitEncodedInt(2); w.Write7BitEncodedInt64(70);
            w.Write7BitEncodedInt(3); w.Write(new byte[] { 9, 8, 7 });
        }
        return stream.ToArray();
    }

    /// <summary>Every manifest the serializer reads, the journal-only legacy "E2" and one it does not know.</summary>
    private static readonly string[] AllManifests =
    [
        "RW", "WS", "NW", "BS", "BF", "JA", "JE", "SJ", "ST", "AC", "RJ", "GS", "CJ", "NF", "JS", "LJ", "JL",
        "E1", "E4", "E2", "E3", "S1", "RS", "RB", "WJ", "GM", "MC", "RP", "GR", "JR", "CC", "CD", "E5", "GT", "TL", "PR", "??",
    ];

    public static TheoryData<string> Manifests()
    {
        var data = new TheoryData<string>();
        foreach (var manifest in AllManifests) data.Add(manifest);
        return data;
    }

    [Fact]
    public void Should_fuzz_every_manifest_the_serializer_writes()
    {
        var written = ValidEncodings().Keys.Where(m => m is not "??" and not "E2").Order();

        Assert.Equal(written, AllManifests.Where(m => m is not "??" and not "E2").Order());
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Should_raise_only_serialization_errors_within_bounded_memory_for_any_frame(string manifest)
    {
        var valid = ValidEncodings()[manifest];
        var frames = RandomFrames(manifest, valid).Concat(Truncations(valid)).Concat(HugePrefixes(valid)).ToList();
        var failures = new List<string>();

        foreach (var frame in frames)
        {
            var failure = Decode(frame, manifest);
            if (failure is not null) failures.Add($"{Convert.ToHexString(frame.AsSpan(0, Math.Min(frame.Length, 48)))}: {failure}");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {frames.Count} '{manifest}' frames failed, e.g.\n{string.Join("\n", failures.Take(5))}");
    }

    [Fact]
    public void Should_report_a_work_batches_frame_with_a_huge_count_as_a_serialization_error()
    {
        var frame = WithTail([.. _serializer.ToBinary(new WorkBatches("j-1", []))[..^1], .. SevenBit(1 << 25)]);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Record.Exception(() => _serializer.FromBinary(frame, "WS"));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.IsType<SerializationException>(error);
        Assert.True(allocated < AllocationBound(frame.Length), $"allocated {allocated} bytes for a {frame.Length}-byte frame");
    }

    [Fact]
    public void Should_fit_the_largest_real_message_in_one_remoting_frame()
    {
        // A finished lfsr --degree 26 job: 1,719,900 maximal taps of 8 digits in its result JSON, and 64 nodes that each resized their pool often.
        const int taps = 1_719_900;
        var json = new System.Text.StringBuilder($"{{\"maximalCount\":{taps},\"maximalTaps\":[");
        for (var i = 0; i < taps; i++) json.Append(i == 0 ? "" : ",").Append((1 << 25) + 1 + 2 * i);
        json.Append("]}");
        var resizes = Enumerable.Range(0, 64).Select(i => new PoolResize(1_700_000_000_000 + i, "shrink", 16, 12, 0.93, "memory above the high mark")).ToList();
        var nodes = Enumerable.Range(0, 64).Select(i => new NodeTally($"akka.tcp://actorcluster@10.0.0.{i}:4053", 16, 5_000, 500_000, 1_000_000,
            new NodeJobUsage("adaptive", 16, "cpu-bound: one worker per core", 1L << 32, 97.3, resizes))).ToList();
        var status = new JobStatus("j-20261123-151822-3fa9c1", "lfsr", JobPhase.Completed, 1 << 25, 1 << 25, 700, 86_400_000, 0, 0, nodes,
            json.ToString(), null, ["--degree", "26"]);

        var size = _serializer.ToBinary(status).Length;

        // Akka.Remote's envelope (recipient and sender paths, manifest) is a few hundred bytes on top.
        Assert.True(size + 4096 <= ActorCluster.Node.Hosting.ActorClusterHostingExtensions.MaxFrameSize, $"the status is {size} bytes");
    }

    [Fact]
    public void Should_fit_the_fullest_job_timeline_in_one_remoting_frame()
    {
        // Every bound reached at once: 256 nodes finishing batches in each of the 600 buckets, 5,000 batches in full,
        // 500 failures with long errors and 2,000 worker-count changes.
        var timeline = new JobTimeline(1_700_000_000_000);
        var names = Enumerable.Range(0, JobTimeline.MaxNodes).Select(i => $"akka.tcp://actorcluster@node-{i}.cluster.example.com:4053").ToArray();
        for (var second = 0L; second < JobTimeline.MaxBuckets; second++)
            foreach (var node in names)
                timeline.RecordBatch(node, 15, (1_700_000_000_000 + second * 1_000) * 1_000, 999_000, second * 1_000_000, 1_000_000);
        for (var i = 0; i < JobTimeline.MaxFailures; i++)
            timeline.RecordFailure(names[i % names.Length], i * 1_000_000L, 1_000_000, new string('e', 10_000), true, 1_700_000_000_000 + i);
        for (var i = 0; i < JobTimeline.MaxWorkerChanges; i++)
            timeline.RecordWorkers(names[i % names.Length], 1 + i % 64, 1_700_000_000_000 + i);
        var view = timeline.View();

        var size = _serializer.ToBinary(new JobTimelineReply("j-20261203-040000-3fa9c1", view)).Length;

        Assert.Equal(JobTimeline.MaxBuckets * JobTimeline.MaxNodes, view.Buckets.Count);
        Assert.True(size + 4096 <= ActorCluster.Node.Hosting.ActorClusterHostingExtensions.MaxFrameSize, $"the timeline is {size} bytes");
    }

    /// <summary>Null when the frame decoded or was refused as it should be, else what went wrong.</summary>
    private string? Decode(byte[] frame, string manifest)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        string? failure = null;
        try
        {
            _serializer.FromBinary(frame, manifest);
        }
        catch (SerializationException)
        {
        }
        catch (Exception e)
        {
            failure = $"{e.GetType().Name}: {e.Message}";
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return failure ?? (allocated > AllocationBound(frame.Length) ? $"allocated {allocated} bytes for {frame.Length}" : null);
    }

    private static IEnumerable<byte[]> RandomFrames(string manifest, byte[] valid)
    {
        var random = new Random(Seed + manifest[0] * 256 + manifest[1]);
        for (var i = 0; i < RandomCasesPerManifest; i++)
        {
            var noise = new byte[random.Next(0, 80)];
            random.NextBytes(noise);
            yield return noise;

            // A valid frame with a few bytes changed gets past the first fields, where pure noise rarely does.
            var mutated = (byte[])valid.Clone();
            for (var flips = random.Next(1, 4); flips > 0 && mutated.Length > 0; flips--)
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            yield return mutated;
        }
    }

    private static IEnumerable<byte[]> Truncations(byte[] valid) => Enumerable.Range(0, valid.Length).Select(length => valid[..length]);

    /// <summary>Every valid prefix followed by a huge or negative 7-bit value, so each length and count in turn reads it.</summary>
    private static IEnumerable<byte[]> HugePrefixes(byte[] valid) =>
        from length in Enumerable.Range(0, valid.Length + 1)
        from value in HugeValues
        select WithTail([.. valid[..length], .. SevenBit(value)]);

    /// <summary>A little more after the huge value, as a real attacker's frame would have, so a reader that trusts it gets going.</summary>
    private static byte[] WithTail(byte[] frame) => [.. frame, .. new byte[16]];

    private static byte[] SevenBit(long value)
    {
        var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            if (value is >= int.MinValue and <= int.MaxValue) w.Write7BitEncodedInt((int)value);
            else w.Write7BitEncodedInt64(value);
        }
        return stream.ToArray();
    }
}
