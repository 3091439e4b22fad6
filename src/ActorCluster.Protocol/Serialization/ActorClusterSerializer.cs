using ActorCluster.Core.Text;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol;

namespace ActorCluster.Protocol.Serialization;

/// <summary>
/// A compact binary serializer for every ActorCluster message and every record a job coordinator journals. The hot path (work requests, batches,
/// completions) is a handful of integers, which Akka's default JSON serializer would turn into
/// hundreds of bytes with type names; here one batch in a <see cref="WorkBatches"/> costs about 5 bytes after the job id.
/// The manifest is a short stable code, never a CLR type name, so renaming a class does not break the wire.
/// </summary>
public sealed class ActorClusterSerializer : SerializerWithStringManifest
{
    public ActorClusterSerializer(ExtendedActorSystem system) : base(system) { }

    public const int SerializerId = 7411;

    /// <summary>The name this serializer is registered under.</summary>
    public const string Alias = "actorcluster";

    /// <summary>What it carries: every wire message (<see cref="IActorClusterMessage"/>) and journal record (<see cref="IJournalRecord"/>).</summary>
    public static readonly IReadOnlyList<Type> BoundTypes = [typeof(IActorClusterMessage), typeof(IJournalRecord)];

    /// <summary>
    /// Registers this serializer on an actor system built without Akka.Hosting (the client), typed, as
    /// Akka.Hosting's <c>WithCustomSerializer</c> does on nodes. Call it before the system sends anything.
    /// Not through a SerializationSetup: <c>ActorSystem.Create</c> with any setup also reads the
    /// application's .config file (System.Configuration and XML), about 70 ms of CPU on every `submit`.
    /// </summary>
    public static void Register(ActorSystem system)
    {
        var serializer = new ActorClusterSerializer((ExtendedActorSystem)system);
        system.Serialization.AddSerializer(Alias, serializer);
        foreach (var type in BoundTypes)
            system.Serialization.AddSerializationMap(type, serializer);
    }

    public override int Identifier => SerializerId;

    private const string RequestWorkManifest = "RW";
    private const string WorkBatchesManifest = "WS";
    private const string NoWorkNowManifest = "NW";
    private const string BatchesCompletedManifest = "BS";
    private const string BatchFailedManifest = "BF";
    private const string JobAvailableManifest = "JA";
    private const string JobEndedManifest = "JE";
    private const string SubmitJobManifest = "SJ";
    private const string StartJobManifest = "ST";
    private const string JobAcceptedManifest = "AC";
    private const string JobRejectedManifest = "RJ";
    private const string GetJobStatusManifest = "GS";
    private const string CancelJobManifest = "CJ";
    private const string JobNotFoundManifest = "NF";
    private const string JobStatusManifest = "JS";
    private const string ListJobsManifest = "LJ";
    private const string JobListManifest = "JL";
    private const string JobStartedManifest = "E1";
    private const string BatchesCountedManifest = "E4";
    /// <summary>One counted batch per event, as journals written before completions were batched hold them: still read, never written.</summary>
    private const string LegacyBatchCountedManifest = "E2";
    private const string JobFinishedManifest = "E3";
    private const string JobSnapshotManifest = "S1";
    private const string ResumeJobManifest = "RS";
    private const string ReturnBatchesManifest = "RB";
    private const string WatchJobManifest = "WJ";
    private const string GetManifestChunkManifest = "GM";
    private const string ManifestChunkManifest = "MC";
    private const string BatchRecordsPartManifest = "RP";
    private const string GetJobResultsManifest = "GR";
    private const string JobResultsManifest = "JR";
    private const string ClearResultCacheManifest = "CC";
    private const string ResultCacheClearedManifest = "CD";
    private const string ItemsFromCacheManifest = "E5";
    private const string GetJobTimelineManifest = "GT";
    private const string JobTimelineReplyManifest = "TL";
    private const string GetNodeFiguresManifest = "GN";
    private const string JobPreparingManifest = "PR";
    private const string NodeFiguresManifest = "NI";

    public override string Manifest(object o) => o switch
    {
        RequestWork => RequestWorkManifest,
        WorkBatches => WorkBatchesManifest,
        NoWorkNow => NoWorkNowManifest,
        BatchesCompleted => BatchesCompletedManifest,
        BatchFailed => BatchFailedManifest,
        JobAvailable => JobAvailableManifest,
        JobEnded => JobEndedManifest,
        SubmitJob => SubmitJobManifest,
        JobPreparing => JobPreparingManifest,
        StartJob => StartJobManifest,
        JobAccepted => JobAcceptedManifest,
        JobRejected => JobRejectedManifest,
        GetJobStatus => GetJobStatusManifest,
        CancelJob => CancelJobManifest,
        JobNotFound => JobNotFoundManifest,
        JobStatus => JobStatusManifest,
        ListJobs => ListJobsManifest,
        JobList => JobListManifest,
        JobStarted => JobStartedManifest,
        BatchesCounted => BatchesCountedManifest,
        JobFinished => JobFinishedManifest,
        JobSnapshot => JobSnapshotManifest,
        ResumeJob => ResumeJobManifest,
        ReturnBatches => ReturnBatchesManifest,
        WatchJob => WatchJobManifest,
        GetManifestChunk => GetManifestChunkManifest,
        ManifestChunk => ManifestChunkManifest,
        BatchRecordsPart => BatchRecordsPartManifest,
        GetJobResults => GetJobResultsManifest,
        JobResults => JobResultsManifest,
        ClearResultCache => ClearResultCacheManifest,
        ResultCacheCleared => ResultCacheClearedManifest,
        ItemsFromCache => ItemsFromCacheManifest,
        GetJobTimeline => GetJobTimelineManifest,
        JobTimelineReply => JobTimelineReplyManifest,
        GetNodeFigures => GetNodeFiguresManifest,
        NodeFigures => NodeFiguresManifest,
        _ => throw new ArgumentException($"ActorClusterSerializer cannot serialize {o.GetType()}"),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream(64);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case RequestWork m:
                    w.Write(m.JobId); w.Write7BitEncodedInt(m.Credits); w.Write7BitEncodedInt(m.Workers); w.Write(m.Resync);
                    w.Write7BitEncodedInt64(m.MaxBatchItems); // last, like every field added later: an older sender's message still reads
                    break;
                case WorkBatches m:
                    w.Write(m.JobId); w.Write7BitEncodedInt(m.Batches.Count);
                    foreach (var b in m.Batches) { w.Write7BitEncodedInt64(b.BatchId); w.Write7BitEncodedInt64(b.Start); w.Write7BitEncodedInt64(b.Count); }
                    break;
                case NoWorkNow m: w.Write(m.JobId); w.Write7BitEncodedInt(m.ReturnedCredits); break;
                case BatchesCompleted m:
                    w.Write(m.JobId); w.Write7BitEncodedInt(m.Batches.Count);
                    foreach (var b in m.Batches)
                    {
                        w.Write7BitEncodedInt64(b.BatchId); w.Write7BitEncodedInt64(b.Start); w.Write7BitEncodedInt64(b.Count);
                        w.Write7BitEncodedInt64(b.BusyMicros); WriteBytes(w, b.Partial);
                    }
                    w.Write7BitEncodedInt(m.Credits); w.Write7BitEncodedInt(m.Workers); WriteOptionalProfile(w, m.Profile);
                    w.Write7BitEncodedInt64(m.MaxBatchItems);
                    WriteBatchRecords(w, m.Batches);
                    WriteBatchLanes(w, m.Batches);
                    break;
                case BatchFailed m: w.Write(m.JobId); w.Write7BitEncodedInt64(m.BatchId); w.Write7BitEncodedInt64(m.Start); w.Write7BitEncodedInt64(m.Count); w.Write(m.Error); break;
                case JobAvailable m: w.Write(m.JobId); w.Write(m.Workload); WriteStrings(w, m.Args); WriteRef(w, m.Coordinator); WriteManifestInfo(w, m.Manifest); break;
                case JobEnded m: w.Write(m.JobId); w.Write((byte)m.State); break;
                case SubmitJob m: w.Write(m.Workload); WriteStrings(w, m.Args); w.Write(m.NoCache); w.Write(m.Acknowledge); break;
                case JobPreparing m: w.Write(m.JobId); break;
                case StartJob m: w.Write(m.JobId); w.Write(m.Workload); WriteStrings(w, m.Args); w.Write(m.NoCache); break;
                case JobAccepted m: w.Write(m.JobId); w.Write7BitEncodedInt64(m.ItemsTotal); break;
                case JobRejected m: w.Write(m.Reason); break;
                case GetJobStatus m: w.Write(m.JobId); break;
                case CancelJob m: w.Write(m.JobId); break;
                case JobNotFound m: w.Write(m.JobId); break;
                case JobStatus m: WriteStatus(w, m); break;
                case ListJobs: break;
                case JobStarted m: WriteStarted(w, m); WriteStartedExtras(w, m); break;
                case BatchesCounted m:
                    w.Write7BitEncodedInt(m.Ranges.Count);
                    foreach (var c in m.Ranges)
                    {
                        w.Write7BitEncodedInt64(c.Start); w.Write7BitEncodedInt64(c.Count); w.Write7BitEncodedInt64(c.BusyMicros); WriteBytes(w, c.Partial);
                    }
                    w.Write(m.Node); w.Write7BitEncodedInt(m.Workers); w.Write7BitEncodedInt64(m.IssuedUpTo);
                    break;
                case JobFinished m: WriteFinished(w, m); break;
                case JobSnapshot m:
                    WriteStarted(w, m.Spec);
                    w.Write7BitEncodedInt(m.CompletedIntervals.Count);
                    foreach (var x in m.CompletedIntervals) w.Write7BitEncodedInt64(x);
                    WriteBytes(w, m.Aggregate);
                    w.Write7BitEncodedInt(m.Nodes.Count);
                    foreach (var n in m.Nodes) WriteNode(w, n);
                    w.Write7BitEncodedInt64(m.IssuedUpTo); w.Write7BitEncodedInt64(m.ItemsExecutedMoreThanOnce);
                    w.Write(m.Finished is not null);
                    if (m.Finished is not null) WriteFinished(w, m.Finished);
                    w.Write7BitEncodedInt64(m.BatchesCounted);
                    w.Write7BitEncodedInt64(m.ItemsFromCache); WriteStartedExtras(w, m.Spec);
                    w.Write(m.Timeline is not null);
                    if (m.Timeline is not null) WriteTimeline(w, m.Timeline);
                    break;
                case ResumeJob m: w.Write(m.JobId); break;
                case WatchJob m: w.Write(m.JobId); break;
                case GetManifestChunk m: w.Write(m.JobId); w.Write7BitEncodedInt(m.Chunk); break;
                case ManifestChunk m: w.Write(m.JobId); w.Write7BitEncodedInt(m.Chunk); WriteBytes(w, m.Data); break;
                case BatchRecordsPart m: w.Write(m.JobId); w.Write7BitEncodedInt64(m.BatchId); WriteBytes(w, m.Data); break;
                case GetJobResults m: w.Write(m.JobId); w.Write7BitEncodedInt64(m.FromItem); break;
                case JobResults m:
                    w.Write(m.JobId); w.Write7BitEncodedInt64(m.FromItem); w.Write7BitEncodedInt64(m.NextItem); w.Write(m.Done);
                    WriteStrings(w, m.Lines);
                    break;
                case ClearResultCache m: w.Write(m.ThisNodeOnly); break;
                case ResultCacheCleared m: w.Write7BitEncodedInt64(m.Entries); w.Write7BitEncodedInt64(m.Bytes); break;
                case ItemsFromCache m:
                    w.Write7BitEncodedInt(m.Ranges.Count);
                    foreach (var c in m.Ranges)
                    {
                        w.Write7BitEncodedInt64(c.Start); w.Write7BitEncodedInt64(c.Count); w.Write7BitEncodedInt64(c.BusyMicros); WriteBytes(w, c.Partial);
                    }
                    break;
                case GetJobTimeline m: w.Write(m.JobId); break;
                case JobTimelineReply m: w.Write(m.JobId); WriteTimeline(w, m.Timeline); break;
                case ReturnBatches m:
                    w.Write(m.JobId); w.Write7BitEncodedInt(m.BatchIds.Count);
                    foreach (var id in m.BatchIds) w.Write7BitEncodedInt64(id);
                    break;
                case GetNodeFigures: break;
                case NodeFigures m:
                    w.Write(m.Address); w.Write(m.Cores); w.Write7BitEncodedInt(m.TargetWorkers); w.Write7BitEncodedInt(m.Workers); w.Write(m.PlanReason);
                    w.Write(m.CpuPercent); w.Write7BitEncodedInt64(m.RssBytes); w.Write(m.Pressure); w.Write(m.BatchesPerSecond);
                    w.Write7BitEncodedInt64(m.UptimeMs); w.Write7BitEncodedInt(m.CreditsOutstanding);
                    break;
                case JobList m:
                    w.Write7BitEncodedInt(m.Jobs.Count);
                    foreach (var j in m.Jobs)
                    {
                        w.Write(j.JobId); w.Write(j.Workload); w.Write((byte)j.State);
                        w.Write7BitEncodedInt64(j.ItemsTotal); w.Write7BitEncodedInt64(j.ItemsCompleted); w.Write7BitEncodedInt64(j.DurationMs);
                    }
                    break;
                default: throw new ArgumentException($"ActorClusterSerializer cannot serialize {obj.GetType()}");
            }
        }
        return stream.ToArray();
    }

    /// <summary>
    /// Whoever reaches the cluster port chooses these bytes: every way a frame can be bad (cut short, a length or count
    /// past its end or past a limit, an unknown manifest) is a <see cref="SerializationException"/>, which Akka.Remote 1.5.75
    /// logs before it ends that peer's association (HandBuiltFrameSpecs sees it), never another exception that could take the node down.
    /// </summary>
    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length, writable: false, publiclyVisible: true), Encoding.UTF8);
            return Read(r, manifest);
        }
        catch (Exception e) when (e is not SerializationException)
        {
            throw new SerializationException($"ActorClusterSerializer: malformed '{Echo.Shorten(manifest ?? "(none)", 16)}' message of {bytes.Length} bytes: {e.Message}", e);
        }
    }

    private object Read(BinaryReader r, string manifest) => manifest switch
    {
        RequestWorkManifest => new RequestWork(ReadName(r), r.Read7BitEncodedInt(), r.Read7BitEncodedInt(), r.ReadBoolean(), ReadLaterInt64(r)),
        WorkBatchesManifest => ReadWorkBatches(r),
        NoWorkNowManifest => new NoWorkNow(ReadName(r), r.Read7BitEncodedInt()),
        BatchesCompletedManifest => ReadBatchesCompleted(r),
        BatchFailedManifest => new BatchFailed(ReadName(r), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), ReadText(r)),
        JobAvailableManifest => new JobAvailable(ReadName(r), ReadName(r), ReadArgs(r), ReadRef(r), HasMore(r) ? ReadManifestInfo(r) : null),
        JobEndedManifest => new JobEnded(ReadName(r), (JobPhase)r.ReadByte()),
        SubmitJobManifest => new SubmitJob(ReadName(r), ReadArgs(r), HasMore(r) && r.ReadBoolean(), HasMore(r) && r.ReadBoolean()),
        JobPreparingManifest => new JobPreparing(ReadName(r)),
        StartJobManifest => new StartJob(ReadName(r), ReadName(r), ReadArgs(r), HasMore(r) && r.ReadBoolean()),
        JobAcceptedManifest => new JobAccepted(ReadName(r), r.Read7BitEncodedInt64()),
        JobRejectedManifest => new JobRejected(ReadText(r)),
        GetJobStatusManifest => new GetJobStatus(ReadName(r)),
        CancelJobManifest => new CancelJob(ReadName(r)),
        JobNotFoundManifest => new JobNotFound(ReadName(r)),
        JobStatusManifest => ReadStatus(r),
        ListJobsManifest => new ListJobs(),
        JobListManifest => ReadJobList(r),
        JobStartedManifest => ReadStartedExtras(r, ReadStarted(r)),
        BatchesCountedManifest => ReadBatchesCounted(r),
        LegacyBatchCountedManifest => ReadLegacyBatchCounted(r),
        JobFinishedManifest => ReadFinished(r),
        JobSnapshotManifest => ReadSnapshot(r),
        ResumeJobManifest => new ResumeJob(ReadName(r)),
        ReturnBatchesManifest => new ReturnBatches(ReadName(r), ReadLongs(r)),
        WatchJobManifest => new WatchJob(ReadName(r)),
        GetManifestChunkManifest => new GetManifestChunk(ReadName(r), r.Read7BitEncodedInt()),
        ManifestChunkManifest => new ManifestChunk(ReadName(r), r.Read7BitEncodedInt(), ReadBytes(r)),
        BatchRecordsPartManifest => new BatchRecordsPart(ReadName(r), r.Read7BitEncodedInt64(), ReadBytes(r)),
        GetJobResultsManifest => new GetJobResults(ReadName(r), r.Read7BitEncodedInt64()),
        JobResultsManifest => new JobResults(ReadName(r), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), r.ReadBoolean(), ReadLines(r)),
        ClearResultCacheManifest => new ClearResultCache(r.ReadBoolean()),
        ResultCacheClearedManifest => new ResultCacheCleared(r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64()),
        ItemsFromCacheManifest => ReadItemsFromCache(r),
        GetJobTimelineManifest => new GetJobTimeline(ReadName(r)),
        JobTimelineReplyManifest => new JobTimelineReply(ReadName(r), ReadTimeline(r)),
        GetNodeFiguresManifest => new GetNodeFigures(),
        NodeFiguresManifest => new NodeFigures(ReadName(r), r.ReadDouble(), r.Read7BitEncodedInt(), r.Read7BitEncodedInt(), ReadText(r), r.ReadDouble(),
            r.Read7BitEncodedInt64(), ReadName(r), r.ReadDouble(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt()),
        _ => throw new SerializationException($"ActorClusterSerializer: unknown manifest '{Echo.Shorten(manifest ?? "(none)", 16)}'"),
    };


    private static WorkBatches ReadWorkBatches(BinaryReader r)
    {
        var jobId = ReadName(r);
        var batches = new BatchAssignment[ReadCount(r, MinBatchAssignmentBytes)];
        for (var i = 0; i < batches.Length; i++)
            batches[i] = new BatchAssignment(r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64());
        return new WorkBatches(jobId, batches);
    }

    private static BatchesCompleted ReadBatchesCompleted(BinaryReader r)
    {
        var jobId = ReadName(r);
        var batches = new CompletedBatch[ReadCount(r, MinCompletedBatchBytes)];
        for (var i = 0; i < batches.Length; i++)
            batches[i] = new CompletedBatch(r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), ReadBytes(r));
        var (credits, workers, profile, maxItems) = (r.Read7BitEncodedInt(), r.Read7BitEncodedInt(), ReadOptionalProfile(r), ReadLaterInt64(r));
        if (HasMore(r) && r.ReadBoolean())
        {
            for (var i = 0; i < batches.Length; i++)
            {
                var records = r.ReadBoolean() ? ReadBytes(r) : null;
                var parts = r.Read7BitEncodedInt();
                if (parts < 0 || parts > MaxRecordParts) throw new SerializationException($"ActorClusterSerializer: {parts} record parts");
                batches[i] = batches[i] with { Records = records, RecordParts = parts };
            }
        }
        if (HasMore(r) && r.ReadBoolean())
        {
            for (var i = 0; i < batches.Length; i++)
            {
                var (lane, startedAt) = (r.Read7BitEncodedInt() - 1, r.Read7BitEncodedInt64());
                if (lane < -1 || lane > MaxWorkerLane || startedAt < 0)
                    throw new SerializationException($"ActorClusterSerializer: worker lane {lane} started at {startedAt}");
                batches[i] = batches[i] with { Worker = lane, StartedAtMicros = startedAt };
            }
        }
        return new BatchesCompleted(jobId, batches, credits, workers, profile, maxItems);
    }

    /// <summary>Which worker ran each batch and when, after the records (an agent from before task streams sends neither: lane -1, time 0).</summary>
    private static void WriteBatchLanes(BinaryWriter w, IReadOnlyList<CompletedBatch> batches)
    {
        var any = batches.Any(b => b.Worker >= 0 || b.StartedAtMicros > 0);
        w.Write(any);
        if (!any) return;
        foreach (var b in batches)
        {
            w.Write7BitEncodedInt(b.Worker + 1); w.Write7BitEncodedInt64(b.StartedAtMicros);
        }
    }

    private static void WriteTimeline(BinaryWriter w, JobTimelineView t)
    {
        w.Write7BitEncodedInt64(t.OriginUnixMs); w.Write7BitEncodedInt64(t.BucketMs);
        WriteStrings(w, t.Nodes);
        w.Write7BitEncodedInt64(t.BatchesTotal); w.Write7BitEncodedInt64(t.ItemsTotal); w.Write7BitEncodedInt(t.BatchCapacity);
        w.Write7BitEncodedInt(t.Batches.Count);
        foreach (var b in t.Batches)
        {
            w.Write7BitEncodedInt(b.Node); w.Write7BitEncodedInt(b.Worker + 1); w.Write7BitEncodedInt64(b.StartMicros);
            w.Write7BitEncodedInt64(b.EndMicros - b.StartMicros); w.Write7BitEncodedInt64(b.FirstItem); w.Write7BitEncodedInt64(b.Items);
        }
        w.Write7BitEncodedInt(t.Buckets.Count);
        foreach (var b in t.Buckets)
        {
            w.Write7BitEncodedInt64(b.OffsetMs); w.Write7BitEncodedInt(b.Node); w.Write7BitEncodedInt64(b.Batches);
            w.Write7BitEncodedInt64(b.Items); w.Write7BitEncodedInt64(b.BusyMicros); w.Write7BitEncodedInt64(b.MaxBatchItems);
        }
        w.Write7BitEncodedInt64(t.FailuresTotal);
        w.Write7BitEncodedInt(t.Failures.Count);
        foreach (var f in t.Failures)
        {
            w.Write7BitEncodedInt64(f.AtUnixMs); w.Write7BitEncodedInt(f.Node); w.Write7BitEncodedInt64(f.FirstItem);
            w.Write7BitEncodedInt64(f.Items); w.Write(f.Error); w.Write(f.WillRetry);
        }
        w.Write7BitEncodedInt(t.Workers.Count);
        foreach (var c in t.Workers)
        {
            w.Write7BitEncodedInt64(c.AtUnixMs); w.Write7BitEncodedInt(c.Node); w.Write7BitEncodedInt(c.Workers);
        }
    }

    /// <summary>Every list is bounded by what a coordinator keeps (JobTimeline's limits), and every node index must name a node in the list.</summary>
    private static JobTimelineView ReadTimeline(BinaryReader r)
    {
        var (origin, bucketMs) = (r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64());
        var nodes = new string[ReadCount(r, 1, JobTimeline.MaxNodes)];
        for (var i = 0; i < nodes.Length; i++) nodes[i] = ReadName(r);
        int Node(int index) => index >= 0 && index < nodes.Length
            ? index
            : throw new SerializationException($"ActorClusterSerializer: node {index} of a timeline with {nodes.Length} nodes");
        var (batchesTotal, itemsTotal, capacity) = (r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt());
        var batches = new TimelineBatch[ReadCount(r, MinTimelineBatchBytes, MaxTimelineBatches)];
        for (var i = 0; i < batches.Length; i++)
        {
            var (node, lane, start, busy) = (Node(r.Read7BitEncodedInt()), r.Read7BitEncodedInt() - 1, r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64());
            batches[i] = new TimelineBatch(node, lane, start, start + busy, r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64());
        }
        var buckets = new TimelineBucket[ReadCount(r, MinTimelineBucketBytes, JobTimeline.MaxBuckets * JobTimeline.MaxNodes)];
        for (var i = 0; i < buckets.Length; i++)
            buckets[i] = new TimelineBucket(r.Read7BitEncodedInt64(), Node(r.Read7BitEncodedInt()), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(),
                r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64());
        var failuresTotal = r.Read7BitEncodedInt64();
        var failures = new TimelineFailure[ReadCount(r, MinTimelineFailureBytes, JobTimeline.MaxFailures)];
        for (var i = 0; i < failures.Length; i++)
            failures[i] = new TimelineFailure(r.Read7BitEncodedInt64(), Node(r.Read7BitEncodedInt()), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(),
                ReadName(r), r.ReadBoolean());
        var workers = new TimelineWorkers[ReadCount(r, MinTimelineWorkersBytes, JobTimeline.MaxWorkerChanges)];
        for (var i = 0; i < workers.Length; i++)
            workers[i] = new TimelineWorkers(r.Read7BitEncodedInt64(), Node(r.Read7BitEncodedInt()), r.Read7BitEncodedInt());
        return new JobTimelineView(origin, bucketMs, nodes, batchesTotal, itemsTotal, capacity, batches, buckets, failuresTotal, failures, workers);
    }

    /// <summary>
    /// Records follow everything an older agent wrote, one entry per batch in order (a flag and a block, then the
    /// number of parts sent ahead), after a flag that says whether any batch has them.
    /// </summary>
    private static void WriteBatchRecords(BinaryWriter w, IReadOnlyList<CompletedBatch> batches)
    {
        var any = batches.Any(b => b.Records is not null || b.RecordParts > 0);
        w.Write(any);
        if (!any) return;
        foreach (var b in batches)
        {
            w.Write(b.Records is not null);
            if (b.Records is not null) WriteBytes(w, b.Records);
            w.Write7BitEncodedInt(b.RecordParts);
        }
    }

    private static ItemsFromCache ReadItemsFromCache(BinaryReader r)
    {
        var ranges = new CountedRange[ReadCount(r, MinCountedRangeBytes)];
        for (var i = 0; i < ranges.Length; i++)
            ranges[i] = new CountedRange(r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), ReadBytes(r));
        return new ItemsFromCache(ranges);
    }

    private static string[] ReadLines(BinaryReader r)
    {
        var lines = new string[ReadCount(r, 1)];
        for (var i = 0; i < lines.Length; i++) lines[i] = ReadText(r);
        return lines;
    }

    private static void WriteManifestInfo(BinaryWriter w, ManifestInfo? info)
    {
        w.Write(info is { IsEmpty: false });
        if (info is not { IsEmpty: false }) return;
        w.Write7BitEncodedInt(info.Chunks); w.Write7BitEncodedInt64(info.Bytes); w.Write(info.Sha256);
    }

    private static ManifestInfo? ReadManifestInfo(BinaryReader r)
    {
        if (!r.ReadBoolean()) return null;
        var (chunks, bytes, sha) = (r.Read7BitEncodedInt(), r.Read7BitEncodedInt64(), ReadName(r));
        if (chunks < 1 || chunks > ManifestCodec.MaxChunks || bytes < 1 || bytes > (long)chunks * ManifestCodec.ChunkBytes)
            throw new SerializationException($"ActorClusterSerializer: a manifest of {chunks} chunks and {bytes} bytes");
        return new ManifestInfo(chunks, bytes, sha);
    }

    /// <summary>What the job's spec gained after the first journals were written: those read as if it had no manifest and no cache.</summary>
    private static void WriteStartedExtras(BinaryWriter w, JobStarted m)
    {
        WriteManifestInfo(w, m.Manifest); w.Write(m.WorkloadVersion); w.Write(m.UseCache);
    }

    private static JobStarted ReadStartedExtras(BinaryReader r, JobStarted started) =>
        HasMore(r) ? started with { Manifest = ReadManifestInfo(r), WorkloadVersion = ReadName(r), UseCache = r.ReadBoolean() } : started;

    private static BatchesCounted ReadBatchesCounted(BinaryReader r)
    {
        var ranges = new CountedRange[ReadCount(r, MinCountedRangeBytes)];
        for (var i = 0; i < ranges.Length; i++)
            ranges[i] = new CountedRange(r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), ReadBytes(r));
        return new BatchesCounted(ranges, ReadName(r), r.Read7BitEncodedInt(), r.Read7BitEncodedInt64());
    }

    /// <summary>An "E2" event (start, count, busy, node, workers, issued-up-to, partial) as a completion of one range.</summary>
    private static BatchesCounted ReadLegacyBatchCounted(BinaryReader r)
    {
        var (start, count, busy) = (r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64());
        var (node, workers, issuedUpTo) = (ReadName(r), r.Read7BitEncodedInt(), r.Read7BitEncodedInt64());
        return new BatchesCounted([new CountedRange(start, count, busy, ReadBytes(r))], node, workers, issuedUpTo);
    }

    private static void WriteStatus(BinaryWriter w, JobStatus m)
    {
        w.Write(m.JobId); w.Write(m.Workload); w.Write((byte)m.State);
        w.Write7BitEncodedInt64(m.ItemsTotal); w.Write7BitEncodedInt64(m.ItemsCompleted); w.Write7BitEncodedInt64(m.Batches);
        w.Write7BitEncodedInt64(m.DurationMs); w.Write7BitEncodedInt(m.ActiveNodes); w.Write7BitEncodedInt64(m.ItemsExecutedMoreThanOnce);
        w.Write7BitEncodedInt(m.Nodes.Count);
        foreach (var n in m.Nodes) WriteNode(w, n);
        WriteOptional(w, m.ResultJson);
        WriteOptional(w, m.Error);
        WriteStrings(w, m.Args);
        w.Write7BitEncodedInt64(m.ItemsFromCache);
        w.Write7BitEncodedInt64(m.ItemsFailed);
    }

    private static JobStatus ReadStatus(BinaryReader r)
    {
        var jobId = ReadName(r); var workload = ReadName(r); var state = (JobPhase)r.ReadByte();
        var total = r.Read7BitEncodedInt64(); var completed = r.Read7BitEncodedInt64(); var batches = r.Read7BitEncodedInt64();
        var duration = r.Read7BitEncodedInt64(); var active = r.Read7BitEncodedInt(); var repeated = r.Read7BitEncodedInt64();
        var count = ReadCount(r, MinNodeTallyBytes);
        var nodes = new NodeTally[count];
        for (var i = 0; i < count; i++) nodes[i] = ReadNode(r);
        var (result, error) = (ReadOptional(r), ReadOptional(r));
        var args = HasMore(r) ? ReadArgs(r) : [];
        var fromCache = ReadLaterInt64(r);
        return new JobStatus(jobId, workload, state, total, completed, batches, duration, active, repeated, nodes, result, error, args, fromCache, ReadLaterInt64(r));
    }

    private static void WriteNode(BinaryWriter w, NodeTally n)
    {
        w.Write(n.Address); w.Write7BitEncodedInt(n.Workers); w.Write7BitEncodedInt64(n.Batches);
        w.Write7BitEncodedInt64(n.Items); w.Write7BitEncodedInt64(n.BusyMs); WriteOptionalProfile(w, n.Profile);
    }

    private static NodeTally ReadNode(BinaryReader r) =>
        new(ReadName(r), r.Read7BitEncodedInt(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), ReadOptionalProfile(r));

    private static void WriteStarted(BinaryWriter w, JobStarted m)
    {
        w.Write(m.JobId); w.Write(m.Workload); WriteStrings(w, m.Args); w.Write7BitEncodedInt64(m.ItemsTotal); w.Write(m.StartedAtUnixMs);
    }

    private static JobStarted ReadStarted(BinaryReader r) =>
        new(ReadName(r), ReadName(r), ReadArgs(r), r.Read7BitEncodedInt64(), r.ReadInt64());

    private static void WriteFinished(BinaryWriter w, JobFinished m)
    {
        w.Write((byte)m.State); WriteOptional(w, m.Error); w.Write7BitEncodedInt64(m.DurationMs);
    }

    private static JobFinished ReadFinished(BinaryReader r) => new((JobPhase)r.ReadByte(), ReadOptional(r), r.Read7BitEncodedInt64());

    private static JobSnapshot ReadSnapshot(BinaryReader r)
    {
        var spec = ReadStarted(r);
        var intervals = ReadLongs(r);
        var aggregate = ReadBytes(r);
        var nodes = new NodeTally[ReadCount(r, MinNodeTallyBytes)];
        for (var i = 0; i < nodes.Length; i++) nodes[i] = ReadNode(r);
        var issued = r.Read7BitEncodedInt64();
        var repeated = r.Read7BitEncodedInt64();
        var finished = r.ReadBoolean() ? ReadFinished(r) : null;
        var batches = r.Read7BitEncodedInt64();
        var fromCache = ReadLaterInt64(r);
        var extras = ReadStartedExtras(r, spec);
        var timeline = HasMore(r) && r.ReadBoolean() ? ReadTimeline(r) : null; // an ended job's; absent from older snapshots
        return new JobSnapshot(extras, intervals, aggregate, nodes, issued, repeated, finished, batches, fromCache, timeline);
    }

    private static long[] ReadLongs(BinaryReader r)
    {
        var values = new long[ReadCount(r, 1)];
        for (var i = 0; i < values.Length; i++) values[i] = r.Read7BitEncodedInt64();
        return values;
    }

    private static JobList ReadJobList(BinaryReader r)
    {
        var jobs = new JobSummary[ReadCount(r, MinJobSummaryBytes)];
        for (var i = 0; i < jobs.Length; i++)
            jobs[i] = new JobSummary(ReadName(r), ReadName(r), (JobPhase)r.ReadByte(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64(), r.Read7BitEncodedInt64());
        return new JobList(jobs);
    }

    /// <summary>A node's usage, or a single false byte when there is none (most completions).</summary>
    private static void WriteOptionalProfile(BinaryWriter w, NodeJobUsage? p)
    {
        w.Write(p is not null);
        if (p is null) return;
        w.Write(p.Policy); w.Write7BitEncodedInt(p.Workers); w.Write(p.Reason);
        w.Write7BitEncodedInt64(p.PeakRssBytes); w.Write(p.CpuPercent);
        w.Write7BitEncodedInt(p.Resizes.Count);
        foreach (var e in p.Resizes)
        {
            w.Write7BitEncodedInt64(e.AtUnixMs); w.Write(e.Action); w.Write7BitEncodedInt(e.FromWorkers); w.Write7BitEncodedInt(e.ToWorkers);
            w.Write(e.MemoryFraction); w.Write(e.Reason);
        }
    }

    private static NodeJobUsage? ReadOptionalProfile(BinaryReader r)
    {
        if (!r.ReadBoolean()) return null;
        var policy = ReadName(r); var workers = r.Read7BitEncodedInt(); var reason = ReadText(r);
        var peak = r.Read7BitEncodedInt64(); var cpu = r.ReadDouble();
        var resizes = new PoolResize[ReadCount(r, MinPoolResizeBytes)];
        for (var i = 0; i < resizes.Length; i++)
            resizes[i] = new PoolResize(r.Read7BitEncodedInt64(), ReadName(r), r.Read7BitEncodedInt(), r.Read7BitEncodedInt(), r.ReadDouble(), ReadText(r));
        return new NodeJobUsage(policy, workers, reason, peak, cpu, resizes);
    }

    /// <summary>Fields added to a message later are written last: a message from a node without them reads as if they were 0 / empty.</summary>
    private static bool HasMore(BinaryReader r) => r.BaseStream.Position < r.BaseStream.Length;

    private static long ReadLaterInt64(BinaryReader r) => HasMore(r) ? r.Read7BitEncodedInt64() : 0;

    /// <summary>A job's workload version, written after everything else so journals from before it still read (as no version).</summary>
    private static string ReadLaterVersion(BinaryReader r) => HasMore(r) ? ReadName(r) : "";

    private static void WriteOptional(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }

    private static string? ReadOptional(BinaryReader r) => r.ReadBoolean() ? ReadText(r) : null;

    private static void WriteBytes(BinaryWriter w, byte[] bytes)
    {
        w.Write7BitEncodedInt(bytes.Length);
        w.Write(bytes);
    }

    private static byte[] ReadBytes(BinaryReader r) => r.ReadBytes(ReadCount(r, 1));

    private static void WriteStrings(BinaryWriter w, IReadOnlyList<string> strings)
    {
        w.Write7BitEncodedInt(strings.Count);
        foreach (var s in strings) w.Write(s);
    }

    private static string[] ReadArgs(BinaryReader r)
    {
        var args = new string[ReadCount(r, 1, MaxArgs)];
        for (var i = 0; i < args.Length; i++) args[i] = ReadText(r);
        return args;
    }

    private static void WriteRef(BinaryWriter w, IActorRef actorRef) => w.Write(Akka.Serialization.Serialization.SerializedActorPath(actorRef));

    private IActorRef ReadRef(BinaryReader r) => system.Provider.ResolveActorRef(ReadName(r));

    /// <summary>
    /// Job ids, workload names, node addresses and policy words are tens of bytes; 64 kB leaves room for any real one
    /// and keeps a forged length from costing more.
    /// </summary>
    private const int MaxNameBytes = 64 * 1024;

    /// <summary>A workload takes a handful of options; more than this is no job anyone submits.</summary>
    private const int MaxArgs = 1024;

    /// <summary>Parts of one batch's record block sent ahead of its completion: 8 MB each, a batch's records are far below this.</summary>
    private const int MaxRecordParts = 4096;

    /// <summary>Workers on one node: far more than any pool (one per core or a few per core).</summary>
    private const int MaxWorkerLane = 65_536;

    /// <summary>A timeline reply holds at most this many full batches (a coordinator keeps JobTimeline.DefaultBatchCapacity).</summary>
    private const int MaxTimelineBatches = 100_000;

    // The fewest bytes one element of a list can take (one byte per 7-bit number, string length or flag; eight per double):
    // a count is refused when the bytes left could not hold that many, before the array is allocated.
    private const int MinBatchAssignmentBytes = 3;
    private const int MinCompletedBatchBytes = 5;
    private const int MinCountedRangeBytes = 4;
    private const int MinNodeTallyBytes = 6;
    private const int MinJobSummaryBytes = 6;
    private const int MinPoolResizeBytes = 13;
    private const int MinTimelineBatchBytes = 6;
    private const int MinTimelineBucketBytes = 6;
    private const int MinTimelineFailureBytes = 6;
    private const int MinTimelineWorkersBytes = 3;

    private static int ReadCount(BinaryReader r, int minBytesEach, int limit = int.MaxValue)
    {
        var count = r.Read7BitEncodedInt();
        var remaining = r.BaseStream.Length - r.BaseStream.Position;
        if (count < 0 || count > limit || count > remaining / minBytesEach)
            throw new SerializationException($"ActorClusterSerializer: a count or length of {count} with {remaining} bytes left (limit {limit})");
        return count;
    }

    private static string ReadName(BinaryReader r) => ReadString(r, MaxNameBytes);

    /// <summary>Errors, reasons, result JSON and arguments: only the frame bounds them.</summary>
    private static string ReadText(BinaryReader r) => ReadString(r, int.MaxValue);

    /// <summary>As <see cref="BinaryReader.ReadString"/> reads it (a 7-bit byte length, then UTF-8), decoded straight from the frame.</summary>
    private static string ReadString(BinaryReader r, int maxBytes)
    {
        var length = ReadCount(r, 1, maxBytes);
        var stream = (MemoryStream)r.BaseStream;
        var value = Encoding.UTF8.GetString(stream.GetBuffer(), (int)stream.Position, length);
        stream.Position += length;
        return value;
    }
}
