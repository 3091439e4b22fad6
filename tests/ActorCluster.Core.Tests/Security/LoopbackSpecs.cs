using ActorCluster.Core.Net;

namespace ActorCluster.Core.Tests.Security;

public sealed class LoopbackSpecs
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.2", true)]
    [InlineData("::1", true)]
    [InlineData("[::1]", true)]
    [InlineData("localhost", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("node1", false)]
    [InlineData("example.com", false)]
    public void Should_count_only_loopback_addresses_and_localhost_as_loopback(string host, bool loopback)
    {
        Assert.Equal(loopback, Loopback.IsLoopback(host));
    }
}
