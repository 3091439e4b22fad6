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
        var dir = Directory.CreateTempSubdirectory("actorcluster-options-").FullName;
        var list = Path.Combine(dir, "inputs.txt");
        var csv = Path.Combine(dir, "sales.csv");
        File.WriteAllText(csv, "key,value\nx,1\n");
        File.WriteAllText(list, "/bin/true\n");
        try
        {
            // Workloads that read the file system need real paths: each of their options is tried on a valid base,
            // taking the place of the base's own value of that option (exec's --inputs and --glob exclude each other).
            var real = new Dictionary<string, Dictionary<string, string>>
            {
                ["exec"] = new() { ["command"] = "true", ["inputs"] = list, ["glob"] = "/bin/*", ["timeout"] = "1.5" },
                ["csv"] = new() { ["path"] = csv, ["group-by"] = "0", ["sum"] = "1" },
            };
            var bases = new Dictionary<string, string[]> { ["exec"] = ["command", "inputs"] };
            foreach (var workload in BuiltInWorkloads.All)
            {
                var values = real.GetValueOrDefault(workload.Name) ?? [];
                string Value(WorkloadOption o) => values.TryGetValue(o.Name, out var v) ? v : Sample(o, dir);
                var required = bases.TryGetValue(workload.Name, out var names)
                    ? workload.Options.Where(o => names.Contains(o.Name)).ToList()
                    : workload.Options.Where(o => o.Required).ToList();

                foreach (var option in workload.Options.Where(o => !o.Required))
                {
                    var others = required.Where(o => o.Name != option.Name && !(workload.Name == "exec" && o.Name is "inputs" && option.Name is "glob"));
                    workload.Prepare([.. others.SelectMany(o => new[] { $"--{o.Name}", Value(o) }), $"--{option.Name}", Value(option)]);
                }
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
