using ActorCluster.Core.Web;

namespace ActorCluster.Core.Tests.Web;

public sealed class NodeRatesSpecs
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Should_measure_cpu_and_batches_over_the_time_since_the_previous_sample()
    {
        var rates = new NodeRates(TimeSpan.FromMilliseconds(500));

        rates.Sample(T0, TimeSpan.FromSeconds(10), 100);
        rates.Sample(T0.AddSeconds(2), TimeSpan.FromSeconds(13), 140);

        Assert.Equal(150, rates.CpuPercent, 6); // 3 s of CPU in 2 s: one and a half cores
        Assert.Equal(20, rates.BatchesPerSecond, 6);
    }

    [Fact]
    public void Should_report_nothing_before_a_second_sample()
    {
        var rates = new NodeRates(TimeSpan.FromMilliseconds(500));

        rates.Sample(T0, TimeSpan.FromSeconds(10), 100);

        Assert.Equal(0, rates.CpuPercent);
        Assert.Equal(0, rates.BatchesPerSecond);
    }

    [Fact]
    public void Should_keep_the_last_rates_when_asked_again_too_soon()
    {
        var rates = new NodeRates(TimeSpan.FromMilliseconds(500));
        rates.Sample(T0, TimeSpan.Zero, 0);
        rates.Sample(T0.AddSeconds(1), TimeSpan.FromSeconds(1), 10);

        rates.Sample(T0.AddSeconds(1.001), TimeSpan.FromSeconds(1.001), 11);
        rates.Sample(T0.AddSeconds(2), TimeSpan.FromSeconds(1.5), 30);

        // The ask 1 ms later neither divided by 1 ms nor moved the baseline: the next rate spans the whole second.
        Assert.Equal(50, rates.CpuPercent, 6);
        Assert.Equal(20, rates.BatchesPerSecond, 6);
    }
}
