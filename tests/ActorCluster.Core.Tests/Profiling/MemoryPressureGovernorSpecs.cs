using ActorCluster.Core.Profiling;

namespace ActorCluster.Core.Tests.Profiling;

public sealed class MemoryPressureGovernorSpecs
{
    private const long Mb = 1024 * 1024;
    private const long Limit = 1000 * Mb;

    private static MemoryUse At(double fraction) => new("node limit", (long)(fraction * Limit), Limit);

    [Fact]
    public void Should_shrink_by_the_workers_whose_memory_is_in_excess_above_80_percent()
    {
        var governor = new MemoryPressureGovernor();

        var events = governor.Observe(At(0.85), planned: 8, memoryPerWorkerBytes: 50 * Mb);

        // 850 MB used, aim for 70% = 700 MB: 150 MB = 3 workers of 50 MB.
        var shrink = Assert.Single(events);
        Assert.Equal((PressureAction.Shrink, 8, 5), (shrink.Action, shrink.FromWorkers, shrink.ToWorkers));
        Assert.Equal(5, governor.Limit(8));
        Assert.Equal("memory at 85% of node limit (850 MB of 1000 MB) > 80%: pool 8 -> 5", shrink.Reason);
    }

    [Fact]
    public void Should_halve_the_pool_when_items_declare_no_memory()
    {
        var governor = new MemoryPressureGovernor();

        governor.Observe(At(0.9), planned: 7, memoryPerWorkerBytes: 0);

        Assert.Equal(3, governor.Limit(7));
    }

    [Fact]
    public void Should_wait_for_retiring_workers_to_free_memory_before_shrinking_again()
    {
        var governor = new MemoryPressureGovernor(new PressureThresholds(SettleSamples: 2));

        governor.Observe(At(0.85), 8, 0);
        var tooSoon = governor.Observe(At(0.85), 8, 0);
        var settled = governor.Observe(At(0.85), 8, 0);

        Assert.Empty(tooSoon);
        Assert.Equal(PressureAction.Shrink, Assert.Single(settled).Action);
        Assert.Equal(2, governor.Limit(8));
    }

    [Fact]
    public void Should_never_shrink_below_one_worker()
    {
        var governor = new MemoryPressureGovernor(new PressureThresholds(SettleSamples: 0));

        for (var i = 0; i < 10; i++)
            governor.Observe(At(0.9), 4, 500 * Mb);

        Assert.Equal(1, governor.Limit(4));
    }

    [Fact]
    public void Should_hold_the_pool_between_60_and_80_percent()
    {
        var governor = new MemoryPressureGovernor(new PressureThresholds(SettleSamples: 0));
        governor.Observe(At(0.9), 8, 0);

        var held = new[] { 0.79, 0.61, 0.7, 0.65 }.SelectMany(f => governor.Observe(At(f), 8, 0)).ToList();

        Assert.Empty(held);
        Assert.Equal(4, governor.Limit(8));
    }

    [Fact]
    public void Should_grow_back_one_worker_at_a_time_below_60_percent_and_then_release_the_cap()
    {
        var governor = new MemoryPressureGovernor(new PressureThresholds(SettleSamples: 0));
        governor.Observe(At(0.9), 4, 0);

        var grows = Enumerable.Range(0, 5).SelectMany(_ => governor.Observe(At(0.3), 4, 0)).ToList();

        Assert.Equal([(2, 3), (3, 4)], grows.Select(e => (e.FromWorkers, e.ToWorkers)));
        Assert.Null(governor.Cap);
    }

    [Fact]
    public void Should_not_grow_when_one_more_worker_would_cross_80_percent_again()
    {
        var governor = new MemoryPressureGovernor(new PressureThresholds(SettleSamples: 0));
        governor.Observe(At(0.9), 2, 400 * Mb);

        var events = governor.Observe(At(0.55), 2, 400 * Mb);

        Assert.Empty(events);
        Assert.Equal(1, governor.Limit(2));
    }

    [Fact]
    public void Should_not_flap_when_memory_oscillates_around_the_threshold()
    {
        var governor = new MemoryPressureGovernor();
        var noisy = Enumerable.Range(0, 40).Select(i => i % 2 == 0 ? 0.78 : 0.82);

        var changes = noisy.SelectMany(f => governor.Observe(At(f), 4, 0)).Count(e => e.Action is PressureAction.Shrink or PressureAction.Grow);

        Assert.True(changes <= 2, $"{changes} pool changes while memory wobbled between 78% and 82%");
        Assert.Equal(1, governor.Limit(4));
    }

    [Fact]
    public void Should_pause_above_95_percent_and_resume_below_80()
    {
        var governor = new MemoryPressureGovernor(new PressureThresholds(SettleSamples: 0));

        var pause = governor.Observe(At(0.96), 1, 0);
        var stillHigh = governor.Observe(At(0.85), 1, 0);
        var resume = governor.Observe(At(0.7), 1, 0);

        Assert.Equal(PressureAction.Pause, Assert.Single(pause).Action);
        Assert.Empty(stillHigh);
        Assert.True(governor.Paused is false);
        Assert.Equal(PressureAction.Resume, Assert.Single(resume).Action);
    }

    [Fact]
    public void Should_ignore_snapshots_without_a_known_limit()
    {
        var governor = new MemoryPressureGovernor();

        Assert.Empty(governor.Observe(new MemoryUse("unknown", 0, 0), 4, 0));
        Assert.Null(governor.Cap);
    }

    [Fact]
    public void Should_learn_what_a_worker_really_costs_and_not_grow_back_into_pressure()
    {
        var governor = new MemoryPressureGovernor(new PressureThresholds(SettleSamples: 1));

        governor.Observe(At(0.88), planned: 2, memoryPerWorkerBytes: 20 * Mb); // declares 20 MB, really uses more
        var settled = governor.Observe(At(0.58), 2, 20 * Mb);                  // one worker fewer freed 300 MB
        var later = governor.Observe(At(0.58), 2, 20 * Mb);

        Assert.Equal(300 * Mb, governor.LearnedBytesPerWorker);
        Assert.Empty(settled);
        Assert.Empty(later); // 580 + 300 MB would cross 80% again
        Assert.Equal(1, governor.Limit(2));
    }
}
