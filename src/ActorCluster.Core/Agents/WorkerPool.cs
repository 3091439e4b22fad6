namespace ActorCluster.Core.Agents;

/// <summary>
/// A node's workers: which exist, which are idle, and how the pool follows its target size. It grows at
/// once; it shrinks with idle workers first, and a busy worker retires only when its batches are done,
/// so resizing never stops a running batch. The agent supplies how a worker is started and stopped.
/// </summary>
public sealed class WorkerPool<TWorker>(Func<TWorker> start, Action<TWorker> stop) where TWorker : notnull
{
    private readonly HashSet<TWorker> _workers = [];
    private readonly Stack<TWorker> _idle = new();

    public int Target { get; private set; }

    public int Count => _workers.Count;

    public int IdleCount => _idle.Count;

    public void Resize(int target)
    {
        Target = target;
        while (_workers.Count < Target)
        {
            var worker = start();
            _workers.Add(worker);
            _idle.Push(worker);
        }
        while (_workers.Count > Target && _idle.Count > 0)
            Retire(_idle.Pop());
    }

    /// <summary>An idle worker for the next batches; throws when none is idle.</summary>
    public TWorker TakeIdle() => _idle.Pop();

    /// <summary>A worker is done with its batches: idle again, or retired while the pool is over its target.</summary>
    public void Release(TWorker worker)
    {
        if (!_workers.Contains(worker)) return;
        if (_workers.Count > Target) Retire(worker);
        else _idle.Push(worker);
    }

    private void Retire(TWorker worker)
    {
        _workers.Remove(worker);
        stop(worker);
    }
}
