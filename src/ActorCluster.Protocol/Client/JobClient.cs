using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Akka.Configuration;
using Akka.Actor.Setup;
using ActorCluster.Core.Net;
using ActorCluster.Core.Security;
using ActorCluster.Protocol;
using ActorCluster.Protocol.Security;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol.Serialization;

namespace ActorCluster.Protocol.Client;

/// <summary>A failure the user should read as one line (unreachable seed, rejected job, unknown job).</summary>
public sealed class JobClientException(string message) : Exception(message);

/// <summary>
/// Talks to a cluster from outside it through Akka's ClusterClient: the seed nodes are only contact
/// points, the client never becomes a member, and it fails over to another contact point by itself.
/// </summary>
public sealed class JobClient : IAsyncDisposable
{
    private static readonly string GatewayPath = $"/user/{ClusterNames.GatewayName}";
    private readonly ActorSystem _system;
    private readonly IActorRef _clusterClient;
    private readonly IReadOnlyList<string> _seeds;
    private readonly bool _tls;

    /// <summary>A remote-only actor system: the client never joins the cluster, it only reaches its receptionists.</summary>
    private const string ClientHocon = """
        akka {
          # Akka's own lines (a dropped association at exit, a contact point that is down) go to a file
          # (ClientLogFile), never onto the terminal where the client's output and progress line are.
          loggers = ["ActorCluster.Protocol.Client.ClientLogFile, ActorCluster.Protocol"]
          loglevel = WARNING
          stdout-loglevel = OFF
          log-dead-letters = 0
          log-dead-letters-during-shutdown = off
          actor.provider = remote
          remote.dot-netty.tcp {
            hostname = 127.0.0.1
            port = 0
            # as nodes have it: ActorClusterHostingExtensions.MaxFrameSize says why
            maximum-frame-size = 16MB
          }
          remote.log-remote-lifecycle-events = off
        }
        """;

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    private JobClient(ActorSystem system, IActorRef clusterClient, IReadOnlyList<string> seeds, bool tls)
    {
        _tls = tls;
        _system = system;
        _clusterClient = clusterClient;
        _seeds = seeds;
    }

    /// <summary>
    /// Creates the client; nothing is contacted until the first request. With <paramref name="tls"/> it speaks
    /// mutual TLS, as the cluster's nodes must then too. Akka's warnings and errors go to <paramref name="logFile"/>
    /// (none: they are dropped).
    /// </summary>
    public static JobClient Create(IReadOnlyList<string> seeds, TlsIdentity? tls = null, string? logFile = null)
    {
        if (seeds.Count == 0)
            throw new JobClientException("no seed given: use --seed host:port (or CLUSTER_SEEDS)");
        var contacts = new List<ActorPath>();
        foreach (var seed in seeds)
        {
            try
            {
                contacts.Add(ActorPath.Parse($"{ClusterNames.NodeAddress(HostPort.Parse(seed), tls is not null)}/system/receptionist"));
            }
            catch (FormatException e)
            {
                throw new JobClientException($"bad seed: {e.Message}");
            }
        }
        var system = CreateSystem(LocalAddressToward(HostPort.Parse(seeds[0]).Host), tls, logFile);
        var settings = ClusterClientSettings.Create(system)
            .WithInitialContacts(contacts.ToImmutableHashSet())
            .WithEstablishingGetContactsInterval(TimeSpan.FromMilliseconds(500))
            .WithRefreshContactsInterval(TimeSpan.FromSeconds(5))
            .WithReconnectTimeout(null);
        var client = system.ActorOf(ClusterClient.Props(settings), "client");
        return new JobClient(system, client, seeds, tls is not null);
    }

    /// <summary>
    /// A plain ActorSystem rather than Akka.Hosting's WithClusterClient: that lives in Akka.Cluster.Hosting,
    /// which would bring Sharding and Persistence into this assembly, and the Microsoft.Extensions host it
    /// needs made `submit` of a 10-item job about 300 ms slower in wall time and 90 ms in CPU (medians of 24
    /// runs alternating with this client against one local node).
    /// The serializer is registered typed, as WithCustomSerializer registers it on nodes; replies are read as strictly
    /// as nodes read them (<see cref="StrictSerialization"/>).
    /// </summary>
    internal static ActorSystem CreateSystem(string localHost, TlsIdentity? tls = null, string? logFile = null)
    {
        var config = ConfigurationFactory.ParseString($"akka.remote.dot-netty.tcp.hostname = \"{localHost}\"")
            .WithFallback(logFile is null ? Config.Empty : ConfigurationFactory.ParseString($"{ClientLogFile.PathKey} = {Quoted(logFile)}"))
            .WithFallback(ConfigurationFactory.ParseString(StrictSerialization.Hocon))
            .WithFallback(tls is null ? Config.Empty : ConfigurationFactory.ParseString(RemoteTls.Hocon))
            .WithFallback(ConfigurationFactory.ParseString(ClientHocon))
            .WithFallback(ClusterClientReceptionist.DefaultConfig())
            // The client wraps requests in pub-sub `Send` envelopes for the receptionist: without the pub-sub
            // serializer they would silently fall back to Newtonsoft JSON.
            .WithFallback(Akka.Cluster.Tools.PublishSubscribe.DistributedPubSub.DefaultConfig());
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config));
        if (tls is not null) setup = setup.And(RemoteTls.Setup(tls));
        var system = ActorSystem.Create($"{ClusterNames.SystemName}-client", setup);
        ActorClusterSerializer.Register(system);
        return system;
    }

    private static string Quoted(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    /// <summary>How long a submission may prepare before <c>SubmitAsync</c>'s <c>stillPreparing</c> hears of it.</summary>
    public static readonly TimeSpan PreparingNotice = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Submits a job and waits for its acceptance. The gateway acknowledges at once and the coordinator answers once
    /// it has prepared the job, which for a large input (a million files to list) can take longer than
    /// <see cref="RequestTimeout"/>: so only the acknowledgement is held to that, the answer to <see cref="JobPreparing.MaxWait"/>.
    /// <paramref name="stillPreparing"/> hears the job's id if the answer takes longer than <see cref="PreparingNotice"/>.
    /// </summary>
    public async Task<JobAccepted> SubmitAsync(string workload, IReadOnlyList<string> args, bool noCache = false, Action<string>? stillPreparing = null)
    {
        var replies = Channel.CreateUnbounded<object>();
        var receiver = _system.ActorOf(Props.Create(() => new ReplyWriter(replies.Writer)));
        try
        {
            _clusterClient.Tell(new ClusterClient.Send(GatewayPath, new SubmitJob(workload, args, noCache, Acknowledge: true), localAffinity: true), receiver);
            var reply = await NextReplyAsync(replies.Reader, RequestTimeout) ?? throw NoAnswer();
            if (reply is JobPreparing preparing)
            {
                reply = await NextReplyAsync(replies.Reader, PreparingNotice);
                if (reply is null)
                {
                    stillPreparing?.Invoke(preparing.JobId);
                    reply = await NextReplyAsync(replies.Reader, JobPreparing.MaxWait - PreparingNotice) ?? throw new JobClientException(
                        $"job {preparing.JobId} was not started within {JobPreparing.MaxWait.TotalMinutes:0} minutes of its submission: its coordinator is still preparing it");
                }
            }
            return AsAccepted(reply);
        }
        finally
        {
            _system.Stop(receiver);
        }
    }

    private static async Task<object?> NextReplyAsync(ChannelReader<object> replies, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            return await replies.ReadAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Hands every message it receives to a channel: the replies to one submission, however many there are.</summary>
    private sealed class ReplyWriter(ChannelWriter<object> replies) : ActorBase
    {
        protected override bool Receive(object message) => replies.TryWrite(message);
    }

    private static JobAccepted AsAccepted(object reply) =>
        reply switch
        {
            JobAccepted accepted => accepted,
            JobRejected rejected => throw new JobClientException(rejected.Reason),
            _ => throw new JobClientException($"unexpected reply {reply.GetType().Name}"),
        };

    public async Task<IReadOnlyList<JobSummary>> ListAsync() =>
        await Request(new ListJobs()) is JobList list ? list.Jobs : throw new JobClientException("unexpected reply to ListJobs");

    public async Task<JobStatus> StatusAsync(string jobId) => AsStatus(await Request(new GetJobStatus(jobId)));

    public async Task<JobStatus> CancelAsync(string jobId) => AsStatus(await Request(new CancelJob(jobId)));

    /// <summary>The job's task stream and plot data, as its current coordinator recorded them (bounded: see JobTimeline).</summary>
    public async Task<JobTimelineView> TimelineAsync(string jobId) => await Request(new GetJobTimeline(jobId)) switch
    {
        JobTimelineReply reply => reply.Timeline,
        JobNotFound nf => throw new JobClientException($"no job '{nf.JobId}' in this cluster"),
        var reply => throw new JobClientException($"unexpected reply {reply.GetType().Name}"),
    };

    /// <summary>
    /// Writes the job's results.jsonl lines (one per item, in item order) to <paramref name="output"/>, a few MB per
    /// request; returns how many lines there were.
    /// </summary>
    public async Task<long> WriteResultsAsync(string jobId, TextWriter output)
    {
        long from = 0, lines = 0;
        while (true)
        {
            var reply = await Request(new GetJobResults(jobId, from));
            switch (reply)
            {
                case JobNotFound nf:
                    throw new JobClientException($"no job '{nf.JobId}' in this cluster");
                case JobResults { Done: true }:
                    return lines;
                case JobResults results when results.NextItem > from:
                    foreach (var line in results.Lines) await output.WriteLineAsync(line);
                    lines += results.Lines.Count;
                    from = results.NextItem;
                    break;
                default:
                    throw new JobClientException($"unexpected reply {reply.GetType().Name} while reading the results of job {jobId}");
            }
        }
    }

    /// <summary>Empties the result cache on every node; returns the entries and bytes it held.</summary>
    public async Task<ResultCacheCleared> ClearCacheAsync() => await Request(new ClearResultCache()) switch
    {
        ResultCacheCleared cleared => cleared,
        JobRejected rejected => throw new JobClientException(rejected.Reason),
        var reply => throw new JobClientException($"unexpected reply {reply.GetType().Name}"),
    };

    /// <summary>
    /// Follows a job to its end: its statuses as its coordinator pushes them (asking only when pushes stop,
    /// e.g. while the coordinator moves), the last one final. A lost contact point is ridden out as long as
    /// another one answers.
    /// </summary>
    public IAsyncEnumerable<JobStatus> FollowAsync(string jobId, CancellationToken cancellation = default) =>
        FollowAsync(jobId, StatusAsync, cancellation);

    /// <summary>Specs pass their own <paramref name="askStatus"/> to see whether the follower had to ask.</summary>
    internal IAsyncEnumerable<JobStatus> FollowAsync(string jobId, Func<string, Task<JobStatus>> askStatus, CancellationToken cancellation) =>
        new JobFollower(_system, (message, sender) => _clusterClient.Tell(new ClusterClient.Send(GatewayPath, message, localAffinity: true), sender), askStatus)
            .FollowAsync(jobId, cancellation);

    private static JobStatus AsStatus(object reply) => reply switch
    {
        JobStatus status => status,
        JobNotFound nf => throw new JobClientException($"no job '{nf.JobId}' in this cluster"),
        _ => throw new JobClientException($"unexpected reply {reply.GetType().Name}"),
    };

    private async Task<object> Request(object message)
    {
        try
        {
            return await _clusterClient.Ask<object>(new ClusterClient.Send(GatewayPath, message, localAffinity: true), RequestTimeout);
        }
        catch (AskTimeoutException)
        {
            throw NoAnswer();
        }
    }

    private JobClientException NoAnswer() => new(
        $"no answer from the cluster within {RequestTimeout.TotalSeconds:0}s (seeds: {string.Join(", ", _seeds)}); is a node running there{(_tls ? ", and does it accept this client's certificate (the same cluster CA)?" : "?")}");

    /// <summary>The local address the OS would use to reach <paramref name="host"/>, so replies can find their way back.</summary>
    private static string LocalAddressToward(string host)
    {
        try
        {
            var target = IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork);
            if (IPAddress.IsLoopback(target)) return "127.0.0.1";
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(target, 9); // UDP connect sends nothing; it only picks a route
            return ((IPEndPoint)probe.LocalEndPoint!).Address.ToString();
        }
        catch (Exception)
        {
            return "127.0.0.1";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _system.Terminate().WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
    }
}
