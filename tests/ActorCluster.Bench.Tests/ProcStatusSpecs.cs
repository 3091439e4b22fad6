using ActorCluster.Bench;

namespace ActorCluster.Bench.Tests;

public sealed class ProcStatusSpecs
{
    private const string SsOutput = """
        0      0               127.0.0.1:35695          127.0.0.1:59582 users:(("dotnet",pid=28008,fd=137))
        	 bbr wscale:10,10 rto:204 cwnd:13 bytes_sent:1599 bytes_acked:1599 bytes_received:5450 segs_out:10
        0      0      [::ffff:127.0.0.1]:59582 [::ffff:127.0.0.1]:35695 users:(("dotnet",pid=28021,fd=71))
        	 bbr wscale:10,10 rto:204 cwnd:17 bytes_sent:5450 bytes_acked:5451 bytes_received:1599 segs_out:12
        0      0               127.0.0.1:35695          127.0.0.1:60000 users:(("dotnet",pid=28008,fd=140))
        	 cubic wscale:7,7 bytes_sent:1 bytes_received:2
        """;

    [Fact]
    public void Should_sum_the_tcp_counters_of_the_connections_of_one_process_only()
    {
        Assert.Equal((5452L, 1600L), ProcStatus.ParseSocketBytes(SsOutput, 28008));
        Assert.Equal((1599L, 5450L), ProcStatus.ParseSocketBytes(SsOutput, 28021));
        Assert.Equal((0L, 0L), ProcStatus.ParseSocketBytes(SsOutput, 2800));
    }
}
