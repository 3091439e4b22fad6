using ActorCluster.Admin.Palettes;

namespace ActorCluster.Admin.Tests;

public sealed class CommandCallSpecs
{
    private static readonly CommandDefinition Join = new("join", "join",
        ArgumentDefinition.Switch("address", "where", "-a", "--address").Required(),
        ArgumentDefinition.Flag("force", "force", "--force"),
        ArgumentDefinition.Switch("depth", "depth", "-d"));

    private static readonly CommandDefinition Show = new("show", "show", ArgumentDefinition.Position("job-id", "id"));

    [Fact]
    public void Should_parse_short_long_and_inline_switches_and_flags()
    {
        var call = CommandCall.Parse("cluster", Join, ["--address=akka.tcp://a@b:1", "--force", "-d", "3"], out var error);

        Assert.Null(error);
        Assert.Equal("akka.tcp://a@b:1", call!.Get("address"));
        Assert.True(call.Has("force"));
        Assert.Equal("3", call.Get("depth"));
    }

    [Fact]
    public void Should_fill_positional_arguments_in_order()
    {
        var call = CommandCall.Parse("jobs", Show, ["j-1"], out _);

        Assert.Equal("j-1", call!.Get("job-id"));
    }

    [Theory]
    [InlineData(new string[0], "missing argument -a <address>")]
    [InlineData(new[] { "-a" }, "-a needs a value")]
    [InlineData(new[] { "-a", "x", "--bogus" }, "unknown switch --bogus")]
    [InlineData(new[] { "-a", "x", "extra" }, "unexpected argument 'extra'")]
    public void Should_explain_arguments_that_do_not_fit(string[] args, string expected)
    {
        var call = CommandCall.Parse("cluster", Join, args, out var error);

        Assert.Null(call);
        Assert.Contains(expected, error);
        Assert.Contains("usage: cluster join -a <address>", error);
    }

    [Fact]
    public void Should_not_echo_a_huge_argument_back_in_full()
    {
        var huge = new string('x', 1_000_000);

        CommandCall.Parse("jobs", Show, ["a", huge], out var error);

        Assert.True(error!.Length < 300, $"error was {error.Length} chars");
    }
}
