namespace ActorCluster.IntegrationTests;

/// <summary>
/// A node configured the way a container is, through environment variables and the per-role files of
/// cluster-config/, on loopback: flag > environment > file > default, and one line for a bad value.
/// </summary>
public sealed class NodeEnvironmentSpecs : IDisposable
{
    private readonly string _dataRoot = Directory.CreateTempSubdirectory("actorcluster-env-").FullName;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string[], Dictionary<string, string?>, string> RoleSources() => new()
    {
        { [], new() { ["ACTORCLUSTER_CONFIG"] = "cluster-config/worker.hocon" }, "roles=worker " },
        { [], new() { ["ACTORCLUSTER_CONFIG"] = "cluster-config/seed.hocon" }, "roles=coordinator,worker " },
        { [], new() { ["ACTORCLUSTER_CONFIG"] = "cluster-config/worker.hocon", ["ACTORCLUSTER_ROLES"] = "coordinator" }, "roles=coordinator " },
        { ["--roles", "coordinator,worker"], new() { ["ACTORCLUSTER_ROLES"] = "worker" }, "roles=coordinator,worker " },
        { ["--config", "cluster-config/worker.hocon"], new() { ["ACTORCLUSTER_CONFIG"] = "cluster-config/seed.hocon" }, "roles=worker " },
    };

    [Theory]
    [MemberData(nameof(RoleSources))]
    public async Task Should_take_roles_from_the_flag_then_the_environment_then_the_role_file(string[] args, Dictionary<string, string?> env, string expected)
    {
        using var node = StartNode(args, env);

        var starting = await node.WaitForLineAsync(l => l.StartsWith("node starting at "), StartTimeout);

        Assert.Contains(expected, starting);
    }

    [Fact]
    public async Task Should_advertise_CLUSTER_IP_while_bound_to_CLUSTER_BIND_IP()
    {
        // Bound to every address, the node is reachable from other machines: without certificates only --insecure starts it.
        using var node = StartNode(["--insecure"], new() { ["CLUSTER_BIND_IP"] = "0.0.0.0", ["CLUSTER_IP"] = "127.0.0.1" });

        var address = await node.WaitUpAsync(StartTimeout);

        Assert.StartsWith("akka.tcp://actorcluster@127.0.0.1:", address);
    }

    public static TheoryData<Dictionary<string, string?>, string> BadEnvironments() => new()
    {
        { new() { ["ACTORCLUSTER_ROLES"] = "boss" }, "error: node: environment variable ACTORCLUSTER_ROLES: unknown role 'boss' (known: coordinator, worker)" },
        { new() { ["ACTORCLUSTER_CONFIG"] = "cluster-config/nosuch.hocon" },
            "error: node: environment variable ACTORCLUSTER_CONFIG names 'cluster-config/nosuch.hocon', which does not exist" },
    };

    [Theory]
    [MemberData(nameof(BadEnvironments))]
    public async Task Should_refuse_a_bad_value_from_the_environment_with_one_line(Dictionary<string, string?> env, string expectedError)
    {
        var result = await ActorClusterProgram.RunAsync(ActorClusterProgram.StartInfo(ActorClusterProgram.Dll, ["node", "--port", "0", "--admin-port", "off"], env), StartTimeout);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([expectedError], result.StderrLines);
    }

    [Fact]
    public async Task Should_name_the_file_and_key_of_a_bad_role_in_a_config_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"actorcluster-roles-{Guid.NewGuid():N}.hocon");
        await File.WriteAllTextAsync(file, "actorcluster.roles = [worker, boss]");
        try
        {
            var result = await ActorClusterProgram.RunAsync(
                ActorClusterProgram.StartInfo(ActorClusterProgram.Dll, ["node", "--port", "0", "--admin-port", "off", "--config", file]), StartTimeout);

            Assert.Equal(2, result.ExitCode);
            Assert.Equal([$"error: node: actorcluster.roles in {file} (config file): unknown role 'boss' (known: coordinator, worker)"], result.StderrLines);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private NodeProcess StartNode(string[] args, Dictionary<string, string?> env) =>
        ActorClusterProgram.StartNode("env-node", ["node", "--port", "0", "--admin-port", "off", .. args],
            new Dictionary<string, string?>(env) { ["ACTORCLUSTER_DATA_DIR"] = Path.Combine(_dataRoot, Guid.NewGuid().ToString("N")) });

    public void Dispose()
    {
        try { Directory.Delete(_dataRoot, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
