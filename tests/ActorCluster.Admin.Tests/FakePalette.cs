using System.Runtime.CompilerServices;
using ActorCluster.Admin.Palettes;

namespace ActorCluster.Admin.Tests;

/// <summary>A palette with one command of each kind the host has to handle.</summary>
internal sealed class FakePalette : IPalette
{
    public string Name => "fake";
    public string Description => "commands for testing the host";

    public int StreamsStopped;

    public IReadOnlyList<CommandDefinition> Commands { get; } =
    [
        new("echo", "echoes its arguments",
            ArgumentDefinition.Position("text", "what to echo"),
            ArgumentDefinition.Switch("times", "repeat", "-n", "--times"),
            ArgumentDefinition.Flag("upper", "upper case", "--upper")),
        new("fail", "always fails"),
        new("throw", "throws"),
        new("hang", "never answers and ignores cancellation"),
        new("ticks", "streams a line every 20 ms until cancelled") { Streaming = true },
        new("count", "streams three lines and ends") { Streaming = true },
    ];

    public async Task<CommandResult> ExecuteAsync(CommandCall call, CancellationToken ct)
    {
        switch (call.Command.Name)
        {
            case "echo":
                var text = call.Get("text")!;
                if (call.Has("upper")) text = text.ToUpperInvariant();
                return CommandResult.Ok(Enumerable.Repeat(text, int.Parse(call.Get("times") ?? "1")));
            case "fail":
                return CommandResult.Fail("it failed");
            case "throw":
                throw new InvalidOperationException("boom");
            case "hang":
                await Task.Delay(Timeout.Infinite, CancellationToken.None);
                return CommandResult.Ok();
            case "ticks":
                return CommandResult.Streamed(Ticks(ct));
            case "count":
                return CommandResult.Streamed(Count());
            default:
                return CommandResult.Fail("?");
        }
    }

    private async IAsyncEnumerable<string> Ticks([EnumeratorCancellation] CancellationToken ct)
    {
        try
        {
            for (var i = 0; ; i++)
            {
                yield return $"tick {i}";
                await Task.Delay(20, ct);
            }
        }
        finally
        {
            Interlocked.Increment(ref StreamsStopped);
        }
    }

    private static async IAsyncEnumerable<string> Count()
    {
        for (var i = 1; i <= 3; i++)
        {
            await Task.Yield();
            yield return i.ToString();
        }
    }
}
