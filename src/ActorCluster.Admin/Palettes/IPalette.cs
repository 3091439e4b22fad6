using ActorCluster.Admin.Protocol;

namespace ActorCluster.Admin.Palettes;

/// <summary>
/// A named group of commands (pbm's "palette"): its name, its commands, and one handler. The host knows
/// nothing else about it, which is what keeps the transport swappable (e.g. for Petabridge.Cmd later).
/// </summary>
public interface IPalette
{
    string Name { get; }
    string Description { get; }
    IReadOnlyList<CommandDefinition> Commands { get; }

    /// <summary>
    /// Runs a command whose arguments the host has already parsed and validated against its definition.
    /// Exceptions are turned into an error reply by the host; they never reach the connection.
    /// </summary>
    Task<CommandResult> ExecuteAsync(CommandCall call, CancellationToken ct);
}

/// <summary>One argument of a command: a switch with a value (<c>-a ADDR</c>), a flag (<c>--auto</c>) or positional.</summary>
public sealed record ArgumentDefinition(string Name, string Description)
{
    /// <summary>Spellings on the command line, e.g. <c>-a</c>, <c>--address</c>. Empty for positional arguments.</summary>
    public IReadOnlyList<string> Switches { get; init; } = [];
    public bool IsFlag { get; init; }
    public bool Mandatory { get; init; }
    public bool Positional => Switches.Count == 0;

    public static ArgumentDefinition Switch(string name, string description, params string[] switches) =>
        new(name, description) { Switches = switches };

    public static ArgumentDefinition Flag(string name, string description, params string[] switches) =>
        new(name, description) { Switches = switches, IsFlag = true };

    public static ArgumentDefinition Position(string name, string description) =>
        new(name, description) { Mandatory = true };

    public ArgumentDefinition Required() => this with { Mandatory = true };

    public ArgumentInfo ToInfo() => new(Name, Switches, IsFlag, Mandatory, Positional, Description);

    public string Usage() => Positional ? $"<{Name}>" : IsFlag ? Switches[0] : $"{Switches[0]} <{Name}>";
}

public sealed record CommandDefinition(string Name, string Description, IReadOnlyList<ArgumentDefinition> Arguments)
{
    /// <summary>Streaming commands run until the client cancels or the stream ends; others get a timeout.</summary>
    public bool Streaming { get; init; }

    public CommandDefinition(string name, string description, params ArgumentDefinition[] arguments)
        : this(name, description, (IReadOnlyList<ArgumentDefinition>)arguments) { }

    public CommandInfo ToInfo() => new(Name, Description, Streaming, Arguments.Select(a => a.ToInfo()).ToList());

    public string Usage(string palette) =>
        string.Join(' ', new[] { palette, Name }.Concat(Arguments.Select(a => a.Mandatory ? a.Usage() : $"[{a.Usage()}]")));
}

/// <summary>What a handler returns: lines, a stream of lines, or an error message for the user.</summary>
public abstract record CommandResult
{
    private CommandResult() { }

    public sealed record Output(IReadOnlyList<string> Lines) : CommandResult;

    public sealed record Stream(IAsyncEnumerable<string> Lines) : CommandResult;

    public sealed record Failure(string Message) : CommandResult;

    public static CommandResult Ok(params string[] lines) => new Output(lines);
    public static CommandResult Ok(IEnumerable<string> lines) => new Output(lines.ToList());
    public static CommandResult Streamed(IAsyncEnumerable<string> lines) => new Stream(lines);
    public static CommandResult Fail(string message) => new Failure(message);
}

public static class PaletteExtensions
{
    public static PaletteInfo ToInfo(this IPalette palette) =>
        new(palette.Name, palette.Description, palette.Commands.Select(c => c.ToInfo()).ToList());
}
