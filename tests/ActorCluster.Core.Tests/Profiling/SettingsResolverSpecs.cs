using ActorCluster.Core.Profiling;

namespace ActorCluster.Core.Tests.Profiling;

public sealed class SettingsResolverSpecs
{
    private static readonly ResourceSnapshot Machine = Machines.Of(4, 16);

    private static SettingSources Sources(
        Dictionary<string, string>? flags = null, Dictionary<string, string>? env = null, Dictionary<string, string>? config = null) =>
        new(flags ?? [], name => env is not null && env.TryGetValue(name, out var v) ? v : null, config ?? [], "node.hocon");

    [Fact]
    public void Should_auto_detect_everything_when_nothing_is_set()
    {
        var settings = SettingsResolver.Resolve(Sources(), Machine);

        Assert.Equal(ProfilerPolicy.Auto, settings.Policy.Value);
        Assert.Null(settings.Workers.Value);
        Assert.Equal(SettingSource.AutoDetected, settings.Workers.Source);
        Assert.Equal("auto-detected", settings.Workers.Describe());
    }

    [Fact]
    public void Should_let_the_flag_beat_the_environment_beat_the_config_file()
    {
        var env = new Dictionary<string, string> { ["ACTORCLUSTER_WORKERS"] = "3" };
        var config = new Dictionary<string, string> { ["workers"] = "2" };

        var flagWins = SettingsResolver.Resolve(Sources(new() { ["workers"] = "4" }, env, config), Machine);
        var envWins = SettingsResolver.Resolve(Sources(null, env, config), Machine);
        var configWins = SettingsResolver.Resolve(Sources(null, null, config), Machine);

        Assert.Equal((4, SettingSource.CommandLine), (flagWins.Workers.Value!.Value, flagWins.Workers.Source));
        Assert.Equal("--workers (command-line flag), over ACTORCLUSTER_WORKERS=3, actorcluster.profiler.workers in node.hocon=2", flagWins.Workers.Describe());
        Assert.Equal((3, SettingSource.Environment), (envWins.Workers.Value!.Value, envWins.Workers.Source));
        Assert.Equal((2, SettingSource.ConfigFile), (configWins.Workers.Value!.Value, configWins.Workers.Source));
    }

    [Fact]
    public void Should_accept_the_container_friendly_names_below_the_actorcluster_ones()
    {
        var both = new Dictionary<string, string> { ["ACTORCLUSTER_WORKERS"] = "3", ["MAX_WORKERS"] = "2", ["MEMORY_LIMIT_MB"] = "512" };
        var containerOnly = new Dictionary<string, string> { ["MAX_WORKERS"] = "2" };

        var settings = SettingsResolver.Resolve(Sources(env: both), Machine);
        var container = SettingsResolver.Resolve(Sources(env: containerOnly), Machine);

        Assert.Equal(3, settings.Workers.Value);
        Assert.Equal(512, settings.MemoryLimitMb.Value);
        Assert.Equal("MEMORY_LIMIT_MB", settings.MemoryLimitMb.Origin);
        Assert.Equal((2, "MAX_WORKERS"), (container.Workers.Value!.Value, container.Workers.Origin));
    }

    [Theory]
    [InlineData("-2", "must be at least 1")]
    [InlineData("0", "must be at least 1")]
    [InlineData("lots", "must be a whole number")]
    [InlineData("1000", "must be at most 256 (this machine's limit of 64 per logical core x 4)")]
    public void Should_reject_invalid_workers_naming_the_setting_and_its_source(string raw, string rule)
    {
        var error = Assert.Throws<SettingException>(() =>
            SettingsResolver.Resolve(Sources(env: new() { ["MAX_WORKERS"] = raw }), Machine));

        Assert.Equal($"MAX_WORKERS (environment variable) {rule}, got '{raw}'", error.Message);
    }

    [Fact]
    public void Should_reject_a_memory_limit_bigger_than_the_machine()
    {
        var error = Assert.Throws<SettingException>(() =>
            SettingsResolver.Resolve(Sources(new() { ["memory-limit-mb"] = "99999999" }), Machine));

        Assert.Equal("--memory-limit-mb (command-line flag) must be at most 16384 (this machine's 16384 MB), got '99999999'", error.Message);
    }

    [Fact]
    public void Should_measure_the_memory_limit_against_the_cgroup_when_it_is_tighter()
    {
        var container = Machine with { CgroupMemoryLimitBytes = 512L * 1024 * 1024 };

        var error = Assert.Throws<SettingException>(() =>
            SettingsResolver.Resolve(Sources(env: new() { ["ACTORCLUSTER_MEMORY_LIMIT_MB"] = "1024" }), container));

        Assert.Contains("this machine's 512 MB", error.Message);
    }

    [Fact]
    public void Should_reject_an_invalid_value_even_when_a_higher_source_wins()
    {
        var error = Assert.Throws<SettingException>(() =>
            SettingsResolver.Resolve(Sources(new() { ["chunk-size"] = "5000" }, config: new() { ["chunk-size"] = "-1" }), Machine));

        Assert.Equal("actorcluster.profiler.chunk-size in node.hocon (config file) must be at least 1, got '-1'", error.Message);
    }

    [Fact]
    public void Should_parse_policies_and_reject_unknown_ones()
    {
        var settings = SettingsResolver.Resolve(Sources(env: new() { ["ACTORCLUSTER_POLICY"] = "Audio-Analysis" }), Machine);
        var error = Assert.Throws<SettingException>(() => SettingsResolver.Resolve(Sources(new() { ["policy"] = "fast" }), Machine));

        Assert.Equal(ProfilerPolicy.AudioAnalysis, settings.Policy.Value);
        Assert.Equal("--policy (command-line flag) must be one of auto, cpu-bound, audio-analysis, sweep, io-bound, memory-aware, got 'fast'", error.Message);
    }
}
