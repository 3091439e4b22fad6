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
    public void Should_read_a_bare_flag_and_still_ask_other_options_for_their_value()
    {
        var header = WorkloadOption.Flag("header", "the first row names the columns");
        var path = WorkloadOption.Text("path", "FILE", "the file");

        var given = new WorkloadArguments("csv", ["--header", "--path", "x.csv"]);
        var last = new WorkloadArguments("csv", ["--path", "x.csv", "--header"]);
        var valueless = new WorkloadArguments("csv", ["--path", "--header"]);

        Assert.Equal(("[--header]", "the first row names the columns (default off)"), (header.Synopsis, header.HelpText));
        Assert.Equal((true, "x.csv"), (given.Get(header), given.Get(path)));
        Assert.True(last.Get(header));
        Assert.False(new WorkloadArguments("csv", []).Get(header));
        Assert.False(new WorkloadArguments("csv", ["--header=false"]).Get(header));
        Assert.Equal("csv: --path needs a value", Assert.Throws<WorkloadArgumentException>(() => valueless.Get(path)).Message);
        Assert.Equal("csv: --header takes no value (or true/false), got 'yes'",
            Assert.Throws<WorkloadArgumentException>(() => new WorkloadArguments("csv", ["--header", "yes"]).Get(header)).Message);
    }

    [Fact]
    public void Should_accept_every_argument_a_built_in_workload_lists_in_its_help()
    {
        var csv = Path.GetTempFileName();
        try
        {
            File.WriteAllText(csv, "key,value\nx,1\n");
            // Free-text options that must name something real.
            var named = new Dictionary<string, string> { ["path"] = csv, ["group-by"] = "0", ["sum"] = "1" };
            foreach (var workload in BuiltInWorkloads.All)
            {
                var required = workload.Options.Where(o => o.Required).SelectMany(o => new[] { $"--{o.Name}", Sample(o, named) }).ToList();

                foreach (var option in workload.Options.Where(o => !o.Required))
                    workload.Prepare([.. required, $"--{option.Name}", Sample(option, named)]);
            }
        }
        finally
        {
            File.Delete(csv);
        }
    }

    /// <summary>A value the option accepts: its default when that is a value, else the low end of its range.</summary>
    private static string Sample(WorkloadOption option, Dictionary<string, string> named) =>
        option.IsFlag ? "true"
        : named.TryGetValue(option.Name, out var real) && option.Required ? real
        : option.DefaultText is { } value && (double.TryParse(value, CultureInfo.InvariantCulture, out _) || option.Allowed is null)
            ? value
            : option.Allowed!.Split(' ')[0];
}
