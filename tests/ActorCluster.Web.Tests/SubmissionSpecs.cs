using System.Text;

namespace ActorCluster.Web.Tests;

public sealed class SubmissionSpecs
{
    private static (Protocol.SubmitJob? Job, string? Error) Parse(string body)
    {
        var job = JobApi.ParseSubmission(Encoding.UTF8.GetBytes(body), out var error);
        return (job, error);
    }

    [Fact]
    public void Should_read_workload_args_and_no_cache()
    {
        var (job, error) = Parse("""{"workload":"lfsr","args":["--degree","18"],"noCache":true}""");

        Assert.Null(error);
        Assert.Equal("lfsr", job!.Workload);
        Assert.Equal(["--degree", "18"], job.Args);
        Assert.True(job.NoCache);
    }

    [Fact]
    public void Should_take_a_missing_args_as_none()
    {
        var (job, _) = Parse("""{"workload":"synthetic"}""");

        Assert.Empty(job!.Args);
        Assert.False(job.NoCache);
    }

    [Theory]
    [InlineData("not json", "body is not JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{"args":[]}""", "\"workload\" must be")]
    [InlineData("""{"workload":""}""", "\"workload\" must be")]
    [InlineData("""{"workload":7}""", "\"workload\" must be")]
    [InlineData("""{"workload":"lfsr","args":"--degree 18"}""", "must be an array")]
    [InlineData("""{"workload":"lfsr","args":[18]}""", "must be strings, got 18")]
    [InlineData("""{"workload":"lfsr","args":[{"a":[[[[[[[[[1]]]]]]]]]}]}""", "body is not JSON")]
    public void Should_refuse_a_malformed_body_in_one_line(string body, string expected)
    {
        var (job, error) = Parse(body);

        Assert.Null(job);
        Assert.Contains(expected, error);
        Assert.DoesNotContain('\n', error!);
    }

    [Fact]
    public void Should_refuse_too_many_args_and_echo_a_long_one_shortened()
    {
        var many = $$"""{"workload":"lfsr","args":[{{string.Join(',', Enumerable.Repeat("\"a\"", 1025))}}]}""";
        Assert.Contains("more than 1024", Parse(many).Error);

        var (_, error) = Parse($$"""{"workload":"lfsr","args":[{"x":"{{new string('y', 5000)}}"}]}""");
        Assert.True(error!.Length < 200, error);
    }
}
