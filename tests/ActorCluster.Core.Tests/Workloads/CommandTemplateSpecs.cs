using ActorCluster.Abstractions;
using ActorCluster.Workloads;

namespace ActorCluster.Core.Tests.Workloads;

public sealed class CommandTemplateSpecs
{
    [Theory]
    [InlineData("wc -l {}", new[] { "wc", "-l", "X" })]
    [InlineData("  wc\t -l  ", new[] { "wc", "-l", "X" })]
    [InlineData("sh -c 'wc -l \"$1\"' sh {}", new[] { "sh", "-c", "wc -l \"$1\"", "sh", "X" })]
    [InlineData("echo \"a \\\"b\\\" \\\\ c\" --file={}.out", new[] { "echo", "a \"b\" \\ c", "--file=X.out" })]
    [InlineData("echo a\\ b '' \"\"", new[] { "echo", "a b", "", "", "X" })]
    [InlineData("echo '{}' {}", new[] { "echo", "X", "X" })]
    public void Should_split_the_command_by_its_quoting_rules(string command, string[] expected)
    {
        Assert.Equal(expected, CommandTemplate.Parse(command).For("X"));
    }

    [Fact]
    public void Should_pass_an_input_with_spaces_quotes_and_shell_characters_as_one_argument()
    {
        const string input = "/data/a b/it's \"x\" $(rm -rf) ; | é.wav";

        Assert.Equal(["cat", "--", input], CommandTemplate.Parse("cat -- {}").For(input));
    }

    [Theory]
    [InlineData("", "exec: --command is empty")]
    [InlineData("echo 'open", "exec: --command has a ' without its closing '")]
    [InlineData("echo \"open", "exec: --command has a \" without its closing \"")]
    [InlineData("echo \\", "exec: --command ends with a lone \\")]
    public void Should_reject_a_command_it_cannot_split_in_one_line(string command, string message)
    {
        var error = Assert.Throws<WorkloadArgumentException>(() => CommandTemplate.Parse(command));

        Assert.Equal(message, error.Message);
    }
}
