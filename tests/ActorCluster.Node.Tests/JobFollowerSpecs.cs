using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol;
using ActorCluster.Protocol.Client;

namespace ActorCluster.Node.Tests;

public sealed class JobFollowerSpecs : Akka.TestKit.Xunit.TestKit
{
    private readonly TestProbe _gateway;
    private int _asked;

    public JobFollowerSpecs() : base(TestConfig.Setup)
    {
        _gateway = CreateTestProbe();
    }

    private static JobStatus Status(JobPhase phase, long done) =>
        new("j-1", "probe", phase, 30, done, done / 10, 100, 1, 0, [], phase == JobPhase.Running ? null : "{}", null, ["--items", "30"]);

    /// <summary>A follower whose gateway is a probe; asking for the status goes to <paramref name="ask"/> (by default: no answer).</summary>
    private JobFollower Follower(Func<JobStatus>? ask = null, TimeSpan? quiet = null, TimeSpan? maxQuiet = null, TimeSpan? renewEvery = null) =>
        new(Sys, (message, sender) => _gateway.Ref.Tell(message, sender), _ =>
        {
            Interlocked.Increment(ref _asked);
            return ask is null ? Task.FromException<JobStatus>(new JobClientException("no answer")) : Task.FromResult(ask());
        })
        {
            QuietBeforeAsking = quiet ?? TimeSpan.FromSeconds(10),
            MaxQuiet = maxQuiet ?? TimeSpan.FromSeconds(10),
            RenewEvery = renewEvery ?? TimeSpan.FromSeconds(20),
            GiveUpWithoutAnswer = TimeSpan.FromSeconds(1),
        };

    private static async Task<List<JobStatus>> ToListAsync(IAsyncEnumerable<JobStatus> statuses)
    {
        var list = new List<JobStatus>();
        await foreach (var status in statuses) list.Add(status);
        return list;
    }

    [Fact]
    public async Task Should_yield_the_pushed_statuses_until_the_final_one_without_asking()
    {
        var following = ToListAsync(Follower().FollowAsync("j-1"));
        _gateway.ExpectMsg<WatchJob>(m => Assert.Equal("j-1", m.JobId));
        var subscriber = _gateway.LastSender;

        subscriber.Tell(Status(JobPhase.Running, 10));
        subscriber.Tell(Status(JobPhase.Running, 20));
        subscriber.Tell(Status(JobPhase.Completed, 30));
        var statuses = await following.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal([10L, 20L, 30L], statuses.Select(s => s.ItemsCompleted));
        Assert.Equal(JobPhase.Completed, statuses[^1].State);
        Assert.Equal(0, _asked);
        Watch(subscriber);
        ExpectTerminated(subscriber); // the watch ends with the follow
    }

    [Fact]
    public async Task Should_renew_the_watch_while_it_follows()
    {
        var following = ToListAsync(Follower(renewEvery: TimeSpan.FromMilliseconds(100)).FollowAsync("j-1"));

        for (var i = 0; i < 4; i++)
            _gateway.ExpectMsg<WatchJob>(TimeSpan.FromSeconds(1));
        _gateway.LastSender.Tell(Status(JobPhase.Cancelled, 10));

        Assert.Single(await following.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Should_ask_when_pushes_stop_less_often_the_longer_it_stays_quiet()
    {
        var answers = new Queue<JobStatus>([Status(JobPhase.Running, 10), Status(JobPhase.Running, 10), Status(JobPhase.Running, 20), Status(JobPhase.Completed, 30)]);
        var clock = Stopwatch.StartNew();

        var statuses = await ToListAsync(Follower(() => answers.Dequeue(), quiet: TimeSpan.FromMilliseconds(100), maxQuiet: TimeSpan.FromMilliseconds(400))
            .FollowAsync("j-1")).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([10L, 10L, 20L, 30L], statuses.Select(s => s.ItemsCompleted));
        Assert.Equal(4, _asked);
        // Quiet waits of 100, 200, 400 and 400 ms (doubling, capped). A timer may fire up to one clock tick
        // (~15 ms) before the stopwatch says its time is up, so each wait gets that much slack; without the
        // back-off the four asks would take 400 ms.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(100 + 200 + 400 + 400 - 4 * 15), $"asked four times in {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Should_give_up_when_nothing_answers_for_too_long()
    {
        var following = ToListAsync(Follower(quiet: TimeSpan.FromMilliseconds(50), maxQuiet: TimeSpan.FromMilliseconds(100)).FollowAsync("j-1"));

        var error = await Assert.ThrowsAsync<JobClientException>(() => following.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal("no answer", error.Message);
        Assert.True(_asked >= 2, $"asked {_asked} times"); // it kept asking before it gave up
    }
}
