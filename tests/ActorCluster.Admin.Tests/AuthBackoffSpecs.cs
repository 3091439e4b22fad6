using ActorCluster.Admin.Hosting;

namespace ActorCluster.Admin.Tests;

public sealed class AuthBackoffSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static AuthBackoff NewBackoff(int maxAddresses = 1024) =>
        new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), maxAddresses);

    [Fact]
    public void Should_double_the_delay_per_failure_up_to_the_maximum()
    {
        var backoff = NewBackoff();

        var delays = Enumerable.Range(0, 10).Select(i => backoff.Fail("10.0.0.1", T0.AddSeconds(i)).Delay.TotalMilliseconds).ToList();

        Assert.Equal([100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000], delays);
    }

    [Fact]
    public void Should_keep_addresses_apart()
    {
        var backoff = NewBackoff();
        for (var i = 0; i < 5; i++) backoff.Fail("10.0.0.1", T0);

        var other = backoff.Fail("10.0.0.2", T0);

        Assert.Equal((1, TimeSpan.FromMilliseconds(100)), other);
        Assert.Equal(5, backoff.Failures("10.0.0.1", T0));
    }

    [Fact]
    public void Should_start_over_after_a_success()
    {
        var backoff = NewBackoff();
        for (var i = 0; i < 6; i++) backoff.Fail("10.0.0.1", T0);

        backoff.Succeed("10.0.0.1");

        Assert.Equal(0, backoff.Failures("10.0.0.1", T0));
        Assert.Equal(TimeSpan.FromMilliseconds(100), backoff.Fail("10.0.0.1", T0).Delay);
    }

    [Fact]
    public void Should_start_over_after_a_quiet_period_but_not_before()
    {
        var backoff = NewBackoff();
        for (var i = 0; i < 6; i++) backoff.Fail("10.0.0.1", T0);

        var soon = backoff.Fail("10.0.0.1", T0.AddSeconds(59));
        var later = backoff.Fail("10.0.0.1", T0.AddSeconds(59).AddMinutes(1));

        Assert.Equal(7, soon.Failures);
        Assert.Equal(1, later.Failures);
        Assert.Equal(TimeSpan.FromMilliseconds(100), later.Delay);
    }

    [Fact]
    public void Should_remember_a_bounded_number_of_addresses()
    {
        var backoff = NewBackoff(maxAddresses: 3);
        for (var i = 0; i < 4; i++) backoff.Fail("10.0.0.1", T0);

        for (var a = 2; a <= 10; a++) backoff.Fail($"10.0.0.{a}", T0.AddSeconds(a));

        // The oldest streaks made room for newer ones; the newest stay.
        Assert.Equal(0, backoff.Failures("10.0.0.1", T0.AddSeconds(10)));
        Assert.Equal(1, backoff.Failures("10.0.0.10", T0.AddSeconds(10)));
        Assert.Equal(1, backoff.Failures("10.0.0.8", T0.AddSeconds(10)));
    }
}
