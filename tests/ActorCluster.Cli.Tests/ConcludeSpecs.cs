using ActorCluster.Cli;
using ActorCluster.Core.Jobs;
using ActorCluster.Protocol;

namespace ActorCluster.Cli.Tests;

/// <summary>How `submit` (and `jobs watch`) turn a job's final status into an exit code and one line on stderr.</summary>
public sealed class ConcludeSpecs
{
    private static (int Code, string Out, string Error) Conclude(JobStatus status)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = SubmitCommand.Conclude(status, status.Args, null, null, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static JobStatus Exec(JobPhase state, long failed, string? error = null) => new(
        "j-20261203-070000-abcdef", "exec", state, 10, state == JobPhase.Completed ? 10 : 4, 3, 1500, 0, 0,
        [new NodeTally("akka.tcp://actorcluster@127.0.0.1:4053", 2, 3, 10, 1400)],
        $$"""{"items":10,"succeeded":{{10 - failed}},"failed":{{failed}},"timedOut":0}""", error, ["--command", "sh -c 'exit 1'"], ItemsFailed: failed);

    [Fact]
    public void Should_exit_0_with_nothing_on_stderr_when_a_job_completes_without_failed_items()
    {
        var (code, output, error) = Conclude(Exec(JobPhase.Completed, failed: 0));

        Assert.Equal(0, code);
        Assert.StartsWith("job j-20261203-070000-abcdef Completed: 10/10 items", output);
        Assert.Equal("", error);
    }

    [Fact]
    public void Should_exit_3_naming_the_failed_items_when_a_completed_job_has_some()
    {
        var (code, output, error) = Conclude(Exec(JobPhase.Completed, failed: 3));

        Assert.Equal(3, code);
        Assert.Equal(SubmitCommand.CompletedWithFailuresExitCode, code);
        Assert.StartsWith("job j-20261203-070000-abcdef Completed: 10/10 items", output); // the summary is still printed
        Assert.Equal("error: job j-20261203-070000-abcdef completed, but 3 of 10 items failed" + Environment.NewLine, error);
    }

    [Fact]
    public void Should_go_by_the_failed_item_count_not_by_a_failed_key_in_the_result()
    {
        var status = Exec(JobPhase.Completed, failed: 0) with { ResultJson = """{"failed":5}""" };

        Assert.Equal(0, Conclude(status).Code);
    }

    [Fact]
    public void Should_exit_1_with_the_reason_when_every_worker_node_refused_the_job()
    {
        const string reason = "no worker node can run it: one item needs 128 MB, more than the largest memory limit of the 2 worker nodes that are up (96 MB)";

        var (code, _, error) = Conclude(Exec(JobPhase.Failed, failed: 0, reason) with { Workload = "memhog" });

        Assert.Equal(1, code);
        Assert.Equal($"error: job j-20261203-070000-abcdef Failed: {reason}" + Environment.NewLine, error);
    }

    [Fact]
    public void Should_exit_1_for_a_failed_job_even_when_some_of_its_items_failed_too()
    {
        var (code, _, error) = Conclude(Exec(JobPhase.Failed, failed: 2, "items [4, 6) failed 3 times; last error: boom"));

        Assert.Equal(1, code);
        Assert.StartsWith("error: job j-20261203-070000-abcdef Failed: items [4, 6) failed 3 times", error);
    }
}
