using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.TestKit;
using ActorCluster.Abstractions;
using ActorCluster.Core.Agents;
using ActorCluster.Core.Jobs;
using ActorCluster.Node.Agents;
using ActorCluster.Node.Jobs;
using ActorCluster.Node.Tests.Agents;
using ActorCluster.Protocol;
using ActorCluster.Tests.Shared;
using ActorCluster.Workloads;

namespace ActorCluster.Node.Tests;

/// <summary>
/// The plumbing of jobs with a manifest and per-item records, through the real coordinator and agent on the serializer
/// (serialize-messages): the coordinator keeps the manifest in the job store and serves it in chunks, agents fetch it once,
/// records come back with completions and are read back as results.jsonl, also after the coordinator recovered, and a
/// second job over the same files takes them from the result cache.
/// </summary>
public sealed class RecordsAndManifestSpecs : Akka.TestKit.Xunit.TestKit, IDisposable
{
    private readonly string _root = FileTreeFixture.Create(smallFiles: 60);
    private readonly MemoryJobDataStore _store = new();
    private readonly TestProbe _directory;
    private readonly WorkloadRegistry _registry = TestConfig.Registry();

    public RecordsAndManifestSpecs() : base(TestConfig.Setup)
    {
        _directory = CreateTestProbe();
    }

    void IDisposable.Dispose()
    {
        FileTreeFixture.Delete(_root);
        Dispose();
    }

    private static readonly CoordinatorSettings Settings = new()
    {
        BatchSizing = new BatchSizingOptions { InitialBatchSize = 7, MaxGrowthFactor = 1, TailFactor = 1 },
        ReannounceInterval = TimeSpan.FromSeconds(30),
    };

    private IActorRef Jobs() =>
        Sys.ActorOf(GenericChildPerEntityParent.Props(new JobMessageExtractor(), id => JobCoordinator.Props(id, _registry, _directory.Ref, Settings, _store)));

    private (IActorRef Coordinator, JobAccepted Accepted) Start(IActorRef jobs, string jobId, bool noCache = false)
    {
        jobs.Tell(new StartJob(jobId, "files", ["--path", _root, "--recursive"], noCache), TestActor);
        var accepted = ExpectMsg<JobAccepted>(TimeSpan.FromSeconds(20));
        return (LastSender, accepted);
    }

    /// <summary>Runs everything the coordinator hands out with the real workload, as an agent would: completions carry records.</summary>
    private void RunAll(IActorRef coordinator, string jobId, IWorkloadJob job, TestProbe agent)
    {
        coordinator.Tell(new RequestWork(jobId, 1000, 2, false), agent.Ref);
        while (agent.ReceiveOne(TimeSpan.FromSeconds(5)) is WorkBatches work)
        {
            var completed = work.Batches.Select(b =>
            {
                var output = job.Execute(new ItemRange(b.Start, b.Count), CancellationToken.None);
                return new CompletedBatch(b.BatchId, b.Start, b.Count, 1000, output.Partial, RecordBlock.Encode(output.Records!));
            }).ToArray();
            coordinator.Tell(new BatchesCompleted(jobId, completed, 0, 2), agent.Ref);
        }
    }

    private JobStatus AwaitEnd(IActorRef coordinator, string jobId)
    {
        JobStatus? status = null;
        AwaitAssert(() =>
        {
            coordinator.Tell(new GetJobStatus(jobId), TestActor);
            status = ExpectMsg<JobStatus>();
            Assert.Equal(JobPhase.Completed, status.State);
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(200));
        return status!;
    }

    private List<string> Results(IActorRef coordinator, string jobId)
    {
        var lines = new List<string>();
        long from = 0;
        while (true)
        {
            coordinator.Tell(new GetJobResults(jobId, from), TestActor);
            var reply = ExpectMsg<JobResults>(TimeSpan.FromSeconds(10));
            if (reply.Done) return lines;
            lines.AddRange(reply.Lines);
            from = reply.NextItem;
        }
    }

    [Fact]
    public void Should_serve_the_manifest_in_chunks_and_give_results_jsonl_in_item_order_also_after_recovery()
    {
        var jobs = Jobs();
        var (coordinator, accepted) = Start(jobs, "files-1");
        var available = (JobAvailable)((AnnounceToAgents)_directory.FishForMessage(m => m is AnnounceToAgents { Message: JobAvailable })).Message;
        var agent = CreateTestProbe();
        coordinator.Tell(new GetManifestChunk("files-1", 0), agent.Ref);
        var chunk = agent.ExpectMsg<ManifestChunk>();
        var download = new ManifestDownload(available.Manifest!, DateTime.UtcNow);
        Assert.True(download.Add(chunk.Chunk, chunk.Data, DateTime.UtcNow));
        var job = new FilesWorkload().Open(["--path", _root, "--recursive"], download.Manifest());
        Assert.Equal(accepted.ItemsTotal, job.ItemCount);

        RunAll(coordinator, "files-1", job, agent);
        var status = AwaitEnd(coordinator, "files-1");
        Watch(jobs);
        Sys.Stop(jobs);
        ExpectTerminated(jobs);
        var recovered = Jobs();
        var lines = Results(recovered, "files-1");

        var expected = FileTreeFixture.Expected(_root);
        Assert.Equal(expected.Count, lines.Count);
        Assert.Equal(Enumerable.Range(0, lines.Count).Select(i => (long)i), lines.Select(l => (long)JsonNode.Parse(l)!["item"]!));
        Assert.All(lines.Select(l => JsonNode.Parse(l)!), o => Assert.Equal(expected[(string)o["path"]!].Sha256, (string)o["sha256"]!));
        Assert.Equal(expected.Count, (long)JsonNode.Parse(status.ResultJson!)!["files"]!);
    }

    [Fact]
    public void Should_take_every_item_of_a_second_job_over_unchanged_files_from_the_cache_unless_told_not_to()
    {
        var jobs = Jobs();
        var (first, accepted) = Start(jobs, "files-a");
        RunAll(first, "files-a", new FilesWorkload().Prepare(["--path", _root, "--recursive"]), CreateTestProbe());
        var firstStatus = AwaitEnd(first, "files-a");

        var (second, _) = Start(jobs, "files-b");
        var secondStatus = AwaitEnd(second, "files-b");
        var (third, _) = Start(jobs, "files-c", noCache: true);
        third.Tell(new GetJobStatus("files-c"), TestActor);
        var thirdStatus = ExpectMsg<JobStatus>();

        Assert.Equal(0, firstStatus.ItemsFromCache);
        Assert.Equal(accepted.ItemsTotal, secondStatus.ItemsFromCache);
        Assert.Equal(0, secondStatus.Batches);
        Assert.Equal(firstStatus.ResultJson, secondStatus.ResultJson);
        Assert.Equal(Results(first, "files-a"), Results(second, "files-b"));
        Assert.Equal((JobPhase.Running, 0L), (thirdStatus.State, thirdStatus.ItemsFromCache));
    }

    [Fact]
    public void Should_fetch_the_manifest_once_before_asking_for_work_and_send_records_with_completions()
    {
        var prepared = new FilesWorkload().Prepare(["--path", _root, "--recursive"]);
        var (info, chunks) = ManifestCodec.Pack(prepared.Manifest.Span);
        var agent = Sys.ActorOf(NodeAgent.Props(_registry, new NodeAgentSettings { Workers = 1, Prefetch = 0 }));
        var coordinator = CreateTestProbe();

        agent.Tell(new JobAvailable("j", "files", ["--path", _root, "--recursive"], coordinator.Ref, info));
        agent.Tell(new JobAvailable("j", "files", ["--path", _root, "--recursive"], coordinator.Ref, info)); // announced again meanwhile
        for (var i = 0; i < chunks.Count; i++)
        {
            Assert.Equal(i, coordinator.ExpectMsg<GetManifestChunk>().Chunk);
            coordinator.Reply(new ManifestChunk("j", i, chunks[i]));
        }
        coordinator.ExpectMsg<RequestWork>();
        agent.Tell(new WorkBatches("j", [new BatchAssignment(1, 0, 5)]), coordinator.Ref);
        var completed = Assert.Single(coordinator.ExpectMsg<BatchesCompleted>(TimeSpan.FromSeconds(10)).Batches);
        agent.Tell(new JobAvailable("j", "files", ["--path", _root, "--recursive"], coordinator.Ref, info));

        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // no second download
        var records = RecordBlock.Decode(completed.Records!, 5);
        Assert.Equal(prepared.Execute(new ItemRange(0, 5), CancellationToken.None).Records, records);
    }

    [Fact]
    public void Should_cut_completions_so_no_message_nears_the_frame_limit()
    {
        var big = new byte[20 * 1024 * 1024];
        new Random(1).NextBytes(big);
        BatchResult[] finished =
        [
            new(1, new ItemRange(0, 10), 5, [1], null, false, new byte[3 * 1024 * 1024]),
            new(2, new ItemRange(10, 10), 5, [2], null, false, big),
            new(3, new ItemRange(20, 10), 5, [3], null, false, new byte[6 * 1024 * 1024]),
            new(4, new ItemRange(30, 10), 5, [4], null, false),
        ];

        var messages = AgentMessages.Split("j", finished);

        Assert.Equal([1L, 2L, 3L, 4L], messages.SelectMany(m => m.Batches).Select(b => b.BatchId));
        Assert.All(messages, m => Assert.True(m.Batches.Sum(b => b.Partial.Length + (b.Records?.Length ?? 0)) <= AgentMessages.MaxCompletionBytes));
        Assert.All(messages.SelectMany(m => m.PartsFirst), p => Assert.True(p.Data.Length <= AgentMessages.MaxCompletionBytes));
        var second = messages.SelectMany(m => m.Batches).Single(b => b.BatchId == 2);
        Assert.Equal(3, second.RecordParts);
        Assert.Equal(big, messages.SelectMany(m => m.PartsFirst).Where(p => p.BatchId == 2).SelectMany(p => p.Data).ToArray());
    }
}
