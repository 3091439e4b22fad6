using System.CommandLine;
using ActorCluster.Cli;
using ActorCluster.Workloads;

namespace ActorCluster.Cli.Tests;

public sealed class CliParserSpecs
{
    private static async Task<(int Code, string Out, string[] ErrLines)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliParser.RunAsync(args, stdout, stderr).WaitAsync(TimeSpan.FromSeconds(30));
        return (code, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString().ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Should_give_the_workload_every_word_after_its_name_but_output_timeout_and_detach()
    {
        var parsed = CliParser.Parse(["submit", "--seed", "127.0.0.1:4053", "synthetic", "--items", "10", "--seed", "11",
            "--output", "out", "--timeout=5", "--detach", "--kind", "sleep"]);

        Assert.Empty(parsed.Errors);
        Assert.Equal("synthetic", parsed.GetValue<string?>("workload"));
        Assert.Equal(["--items", "10", "--seed", "11", "--kind", "sleep"], parsed.GetValue<string[]>("workload args")!);
        Assert.Equal(["127.0.0.1:4053"], parsed.GetValue<string[]>("--seed")!);
        Assert.Equal("out", parsed.GetValue<string?>("--output"));
        Assert.Equal(5, parsed.GetValue<int?>("--timeout"));
        Assert.True(parsed.GetValue<bool>("--detach"));
    }

    [Fact]
    public void Should_take_no_cache_after_the_workload_name_as_submits_and_leave_files_switches_to_the_workload()
    {
        var parsed = CliParser.Parse(["submit", "--seed", "127.0.0.1:4053", "files", "--path", "/data", "--recursive", "--no-cache", "--output", "out"]);

        Assert.Empty(parsed.Errors);
        Assert.True(parsed.GetValue<bool>("--no-cache"));
        Assert.Equal(["--path", "/data", "--recursive"], parsed.GetValue<string[]>("workload args")!);
    }

    [Fact]
    public void Should_keep_every_option_before_the_workload_name_for_submit()
    {
        var parsed = CliParser.Parse(["submit", "--output", "out", "--seed", "127.0.0.1:4053", "--detach", "lfsr", "--degree", "14"]);

        Assert.Empty(parsed.Errors);
        Assert.Equal("lfsr", parsed.GetValue<string?>("workload"));
        Assert.Equal(["--degree", "14"], parsed.GetValue<string[]>("workload args")!);
        Assert.Equal("out", parsed.GetValue<string?>("--output"));
        Assert.True(parsed.GetValue<bool>("--detach"));
    }

    [Fact]
    public void Should_let_a_repeated_option_take_its_last_value()
    {
        var parsed = CliParser.Parse(["node", "--admin-port", "0", "--port", "4053", "--admin-port", "9111"]);

        Assert.Empty(parsed.Errors);
        Assert.Equal("9111", parsed.GetValue<string?>("--admin-port"));
    }

    public static TheoryData<string[], string> UsageErrors() => new()
    {
        { ["node", "--bogus"], "error: node: unknown option --bogus (see actorcluster node --help)" },
        { ["node", "extra"], "error: node: unexpected argument 'extra'" },
        { ["node", "--port", "many"], "error: node: --port must be a whole number from 0 to 65535, got 'many'" },
        { ["node", "--port"], "error: node: --port needs a value" },
        { ["node", "--admin-port", "on"], "error: node: --admin-port must be a whole number from 0 to 65535, got 'on'" },
        { ["node", "--seed", "127.0.0.1:4053,nonsense"], "error: node: seed 'nonsense' is not host:port" },
        { ["submit", "--seed", "nonsense", "lfsr", "--degree", "4"], "error: submit: seed 'nonsense' is not host:port" },
        { ["submit", "--seed", "127.0.0.1:4053", "lfsr", "--degree", "4", "--timeout", "soon"], "error: submit: --timeout must be a whole number from 1 to 2147483647, got 'soon'" },
        { ["submit", "--seed", "127.0.0.1:4053", "lfsr", "--degree", "4", "--output"], "error: submit: --output needs a value" },
        { ["submit", "--nope", "--seed", "127.0.0.1:4053", "lfsr"], "error: submit: unknown option --nope (see actorcluster submit --help)" },
        { ["submit", "--seed", "127.0.0.1:4053"], "error: submit: name a workload, e.g. `actorcluster submit --seed 127.0.0.1:4053 lfsr --degree 16`" },
        { ["jobs", "status", "--seed", "127.0.0.1:4053"], "error: jobs: usage: actorcluster jobs list | <status|watch|cancel|result> <job-id> --seed HOST:PORT" },
        { ["jobs", "cache", "--seed", "127.0.0.1:4053"], "error: jobs cache: usage: actorcluster jobs cache clear --seed HOST:PORT" },
        { ["jobs", "frob", "j-1"], "error: jobs: unknown verb 'frob' (list, status, watch, cancel, result, cache)" },
        { ["jobs", "status", "j-1", "--seed", "host"], "error: jobs: seed 'host' is not host:port" },
        { ["demo", "--nodes", "17"], "error: demo: --nodes must be a whole number from 1 to 16, got '17'" },
        { ["pbm", "nonsense:99999", "cluster", "show"], "error: pbm: 'nonsense:99999' is not host:port" },
        { ["frobnicate"], "error: unknown command 'frobnicate' (node, submit, jobs, demo, profile, pbm, bench, certs, health)" },
        { ["certs", "issue", "--ca", "ca", "--out", "x"], "error: certs: --name NAME is required" },
        { ["certs", "init"], "error: certs: --out DIR is required" },
        { ["certs", "issue", "--ca", "ca", "--name", "../x", "--out", "x"],
            "error: certs: --name must be 1 to 64 letters, digits, '.', '-' or '_' starting with a letter or digit (it names the files), got '../x'" },
        { ["certs", "issue", "--ca", "ca", "--name", "n", "--ip", "banana", "--out", "x"], "error: certs: --ip 'banana' is not an IP address" },
        { ["certs", "issue", "--ca", "ca", "--name", "n", "--days", "0", "--out", "x"], "error: certs: --days must be a whole number from 1 to 36500, got '0'" },
        { ["node", "--host", "0.0.0.0", "--port", "0", "--admin-port", "off"],
            "error: node: the cluster port on 0.0.0.0 is reachable from other machines and TLS is off: give --tls-cert and --tls-ca (make them with `actorcluster certs`), or --insecure to start without TLS anyway" },
        { ["submit", "--seed", "127.0.0.1:4053", "--tls-cert", "x.crt", "lfsr"],
            "error: submit: TLS needs the cluster CA certificate to check peers against: --tls-ca FILE (or ACTORCLUSTER_TLS_CA)" },
        { ["jobs", "list", "--seed", "127.0.0.1:4053", "--tls-cert", "nope.crt", "--tls-ca", "nope.crt"], "error: jobs: certificate file 'nope.crt' does not exist" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public async Task Should_report_a_usage_error_as_one_line_on_stderr_and_exit_2(string[] args, string expected)
    {
        var (code, stdout, stderr) = await Run(args);

        Assert.Equal(2, code);
        Assert.Equal([expected], stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task Should_print_the_overview_and_exit_2_without_a_command()
    {
        var (code, stdout, stderr) = await Run();

        Assert.Equal(2, code);
        Assert.Empty(stderr);
        Assert.All(CliParser.CreateRoot().Subcommands.Where(c => !c.Hidden), c => Assert.Contains($"  {c.Name} ", stdout));
    }

    public static TheoryData<string[]> Commands()
    {
        var data = new TheoryData<string[]>();
        void Add(Command command, string[] path)
        {
            data.Add(path);
            foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
                Add(sub, [.. path, sub.Name]);
        }
        Add(CliParser.CreateRoot(), []);
        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Should_list_every_option_argument_and_subcommand_in_a_commands_help(string[] path)
    {
        var command = path.Aggregate((Command)CliParser.CreateRoot(), (c, name) => c.Subcommands.Single(s => s.Name == name));

        var (code, stdout, stderr) = await Run([.. path, "--help"]);

        Assert.Equal(0, code);
        Assert.Empty(stderr);
        Assert.All(command.Options.Where(o => !o.Hidden), o => Assert.Contains($"  {o.Name} ", stdout.Replace(",", " ")));
        Assert.All(command.Arguments, a => Assert.Contains($"<{a.HelpName ?? a.Name}>", stdout));
        Assert.All(command.Subcommands.Where(c => !c.Hidden), c => Assert.Contains($"  {c.Name} ", stdout));
    }

    [Theory]
    [InlineData("lfsr")]
    [InlineData("synthetic")]
    [InlineData("memhog")]
    public async Task Should_print_a_workloads_help_from_the_options_its_parser_reads(string name)
    {
        var workload = BuiltInWorkloads.All.Single(w => w.Name == name);

        var (code, stdout, stderr) = await Run("submit", "--seed", "127.0.0.1:1", name, "--help");

        Assert.Equal(0, code);
        Assert.Empty(stderr);
        Assert.Contains(workload.Description, stdout);
        Assert.NotEmpty(workload.Options);
        Assert.All(workload.Options, o => Assert.Contains($"--{o.Name} {o.ValueName}", stdout));
        Assert.All(workload.Options, o => Assert.Contains(o.HelpText, stdout));
    }

    [Fact]
    public void Should_complete_a_nodes_roles()
    {
        var completions = CliParser.Parse(["node", "--roles", "c"]).GetCompletions().Select(c => c.Label);

        Assert.Contains("coordinator", completions);
        Assert.Contains("coordinator,worker", completions);
    }

    [Fact]
    public async Task Should_make_a_ca_and_issue_a_certificate_it_trusts_with_the_key_owner_only()
    {
        var dir = Directory.CreateTempSubdirectory("actorcluster-certs-cli-").FullName;
        try
        {
            var init = await Run("certs", "init", "--out", Path.Combine(dir, "ca"));
            var issue = await Run("certs", "issue", "--ca", Path.Combine(dir, "ca"), "--name", "node1", "--ip", "10.0.0.5", "--out", Path.Combine(dir, "node1"));
            var again = await Run("certs", "issue", "--ca", Path.Combine(dir, "ca"), "--name", "node1", "--out", Path.Combine(dir, "node1"));
            var noCa = await Run("certs", "issue", "--ca", Path.Combine(dir, "none"), "--name", "node1", "--out", Path.Combine(dir, "x"));

            Assert.Equal((0, 0), (init.Code, issue.Code));
            var identity = ActorCluster.Core.Security.TlsIdentity.Load(new(Path.Combine(dir, "node1", "node1.crt"), Path.Combine(dir, "node1", "node1.key"), null,
                Path.Combine(dir, "node1", "ca.crt")));
            Assert.Contains("CN=node1", identity.Certificate.Subject);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "ca", "ca.key")));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "node1", "node1.key")));
            }
            Assert.Equal(1, again.Code);
            Assert.Equal([$"error: certs: '{Path.Combine(dir, "node1", "node1.crt")}' exists; use --force to overwrite it"], again.ErrLines);
            Assert.Equal(1, noCa.Code);
            Assert.Single(noCa.ErrLines);
            Assert.StartsWith($"error: certs: CA directory '", noCa.ErrLines[0]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
