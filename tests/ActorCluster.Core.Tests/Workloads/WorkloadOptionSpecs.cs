using System.Globalization;
using ActorCluster.Abstractions;
using ActorCluster.Workloads;

namespace ActorCluster.Core.Tests.Workloads;

public sealed class WorkloadOptionSpecs
{
    [Fact]
    public void Should_describe_a_required_option_with_the_values_its_parser_accepts()
    {
        var degree = WorkloadOption.Int32("degree", "N", "bits of the register", 2, 32);

        Assert.Equal("--degree N", degree.Synopsis);
        Assert.Equal("bits of the register (2 to 32; required)", degree.HelpText);
        Assert.Equal("lfsr: --degree must be between 2 and 32, got 33",
            Assert.Throws<WorkloadArgumentException>(() => new WorkloadArguments("lfsr", ["--degree", "33"]).Get(degree)).Message);
    }

    [Fact]
    public void Should_bracket_an_optional_option_and_read_its_default_when_absent()
    {
        var seed = WorkloadOption.Int64("seed", "S", "seed", long.MinValue, long.MaxValue, 42);
        var kind = WorkloadOption.Choice("kind", "how", ["cpu", "sleep"], "cpu");

        var absent = new WorkloadArguments("w", []);

        Assert.Equal(("[--seed S]", "seed (default 42)"), (seed.Synopsis, seed.HelpText));
        Assert.Equal(("[--kind cpu|sleep]", "how (default cpu)"), (kind.Synopsis, kind.HelpText));
        Assert.Equal((42L, "cpu"), (absent.Get(seed), absent.Get(kind)));
        Assert.Equal("w: --kind must be cpu or sleep, got 'gpu'",
            Assert.Throws<WorkloadArgumentException>(() => new WorkloadArguments("w", ["--kind", "gpu"]).Get(kind)).Message);
    }

    [Fact]
    public void Should_accept_every_argument_a_built_in_workload_lists_in_its_help()
    {
        var dir = Directory.CreateTempSubdirectory("actorcluster-options-").FullName;
        try
        {
            foreach (var workload in BuiltInWorkloads.All)
            {
                var required = workload.Options.Where(o => o.Required).SelectMany(o => new[] { $"--{o.Name}", Sample(o, dir) }).ToList();

                foreach (var option in workload.Options.Where(o => !o.Required))
                    workload.Prepare([.. required, $"--{option.Name}", Sample(option, dir)]);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// A value the option accepts: "true" for a switch, a directory that exists for a DIR, its default when that is a
    /// value, else the low end of its range.
    /// </summary>
    private static string Sample(WorkloadOption option, string dir) =>
        option.IsFlag ? "true"
        : option.ValueName == "DIR" ? dir
        : option.DefaultText is { } value && (double.TryParse(value, CultureInfo.InvariantCulture, out _) || option.Allowed is null)
            ? value
            : option.Allowed!.Split(' ')[0];
}
