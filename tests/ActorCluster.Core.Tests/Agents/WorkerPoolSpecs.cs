using ActorCluster.Core.Agents;

namespace ActorCluster.Core.Tests.Agents;

public sealed class WorkerPoolSpecs
{
    private readonly List<string> _stopped = [];
    private int _started;

    private WorkerPool<string> Pool(int workers)
    {
        var pool = new WorkerPool<string>(() => $"w{++_started}", _stopped.Add);
        pool.Resize(workers);
        return pool;
    }

    [Fact]
    public void Should_start_workers_up_to_the_target_all_idle()
    {
        var pool = Pool(3);

        Assert.Equal((3, 3, 3), (pool.Count, pool.IdleCount, _started));
    }

    [Fact]
    public void Should_retire_idle_workers_first_when_shrinking()
    {
        var pool = Pool(3);
        var busy = pool.TakeIdle();

        pool.Resize(1);

        Assert.Equal(2, _stopped.Count);
        Assert.DoesNotContain(busy, _stopped);
        Assert.Equal((1, 0), (pool.Count, pool.IdleCount));
    }

    [Fact]
    public void Should_let_busy_workers_finish_and_retire_them_only_then()
    {
        var pool = Pool(3);
        var first = pool.TakeIdle();
        var second = pool.TakeIdle();
        var third = pool.TakeIdle();

        pool.Resize(1);
        var stoppedWhileBusy = _stopped.Count;
        pool.Release(first);
        pool.Release(second);
        pool.Release(third);

        Assert.Equal(0, stoppedWhileBusy);
        Assert.Equal([first, second], _stopped);
        Assert.Equal((1, 1), (pool.Count, pool.IdleCount));
        Assert.Equal(third, pool.TakeIdle());
    }

    [Fact]
    public void Should_grow_back_with_new_workers_while_retiring_ones_still_run()
    {
        var pool = Pool(2);
        var busy = pool.TakeIdle();
        pool.Resize(1); // the idle one retires, the busy one is over the target

        pool.Resize(2);
        pool.Release(busy);

        Assert.Equal((2, 2), (pool.Count, pool.IdleCount)); // the busy one stays: the pool needs it again
        Assert.Equal(3, _started);
    }
}
