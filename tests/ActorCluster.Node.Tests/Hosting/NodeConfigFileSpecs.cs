using Akka.Cluster.Hosting.SBR;
using ActorCluster.Node.Hosting;

namespace ActorCluster.Node.Tests.Hosting;

public sealed class NodeConfigFileSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorcluster-config-").FullName;

    private string Write(string name, string hocon)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, hocon);
        return path;
    }

    private string Shipped(string hocon) => Write("node.hocon", hocon);

    [Fact]
    public void Should_give_every_default_when_there_is_no_file()
    {
        var file = NodeConfigFile.Load(Path.Combine(_dir, "missing.hocon"), null);

        Assert.IsType<KeepMajorityOption>(file.SplitBrainResolver);
        Assert.Equal(TimeSpan.FromSeconds(7), file.StableAfter);
        Assert.Null(file.Db);
        Assert.Empty(file.Section("actorcluster.profiler", ["workers"]).Values);
    }

    [Fact]
    public void Should_layer_the_extra_file_over_the_shipped_one_key_by_key()
    {
        var shipped = Shipped("""
            akka.cluster.failure-detector.acceptable-heartbeat-pause = 3s
            actorcluster { db = "sqlite:/tmp/shipped.db", profiler { workers = 2, io-limit = 9 } }
            """);
        var extra = Write("extra.hocon", "actorcluster.profiler.workers = 5\nakka.cluster.split-brain-resolver.stable-after = 60s\n");

        var file = NodeConfigFile.Load(shipped, extra);
        var (values, origins) = file.Section("actorcluster.profiler", ["workers", "io-limit", "policy"]);

        Assert.Equal("sqlite:/tmp/shipped.db", file.Db);
        Assert.Equal(TimeSpan.FromSeconds(60), file.StableAfter);
        Assert.Equal(new Dictionary<string, string> { ["workers"] = "5", ["io-limit"] = "9" }, values);
        Assert.Equal(new Dictionary<string, string> { ["workers"] = extra, ["io-limit"] = NodeConfigFile.ShippedName }, origins);
        Assert.Equal("3s", file.Hocon.GetString("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
    }

    [Fact]
    public void Should_leave_a_strategys_own_keys_to_the_hocon()
    {
        var file = NodeConfigFile.Load(Shipped("""
            akka.cluster.split-brain-resolver { active-strategy = keep-oldest, keep-oldest.down-if-alone = off }
            """), null);

        var option = Assert.IsType<KeepOldestOption>(file.SplitBrainResolver);
        Assert.Null(option.DownIfAlone);
        Assert.False(file.Hocon.GetBoolean("akka.cluster.split-brain-resolver.keep-oldest.down-if-alone"));
        Assert.Null(Assert.IsType<StaticQuorumOption>(NodeConfigFile.Load(Shipped("akka.cluster.split-brain-resolver.active-strategy = static-quorum"), null).SplitBrainResolver).QuorumSize);
    }

    [Theory]
    [InlineData("akka.cluster.split-brain-resolver.active-strategy = down-everything",
        "akka.cluster.split-brain-resolver.active-strategy in {extra} (config file) must be keep-majority, keep-oldest or static-quorum, got 'down-everything'")]
    [InlineData("akka.cluster.split-brain-resolver.stable-after = soon",
        "akka.cluster.split-brain-resolver.stable-after in {extra} (config file) must be a duration such as 7s, got 'soon'")]
    [InlineData("akka.loglevel = ${nowhere.defined}", "config file {extra} is not valid HOCON: ")]
    public void Should_name_the_key_and_the_file_of_a_bad_value(string hocon, string expected)
    {
        var extra = Write("extra.hocon", hocon);

        var error = Assert.Throws<NodeConfigException>(() => NodeConfigFile.Load(Shipped(""), extra));

        Assert.StartsWith(expected.Replace("{extra}", extra), error.Message);
    }

    [Fact]
    public void Should_refuse_a_config_file_that_does_not_exist()
    {
        var missing = Path.Combine(_dir, "nope.hocon");

        var error = Assert.Throws<NodeConfigException>(() => NodeConfigFile.Load(Shipped(""), missing));

        Assert.Equal($"--config file '{missing}' does not exist", error.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
