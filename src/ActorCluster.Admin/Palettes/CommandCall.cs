using ActorCluster.Core.Text;

namespace ActorCluster.Admin.Palettes;

/// <summary>A command with its arguments parsed against the command's definition.</summary>
public sealed class CommandCall
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _flags;

    private CommandCall(string palette, CommandDefinition command, Dictionary<string, string> values, HashSet<string> flags)
    {
        Palette = palette;
        Command = command;
        _values = values;
        _flags = flags;
    }

    public string Palette { get; }
    public CommandDefinition Command { get; }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public bool Has(string name) => _flags.Contains(name) || _values.ContainsKey(name);

    /// <summary>Parses pbm-style arguments; returns null and a one-line reason when they do not fit the definition.</summary>
    public static CommandCall? Parse(string palette, CommandDefinition command, IReadOnlyList<string> args, out string? error)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        var positionals = new Queue<ArgumentDefinition>(command.Arguments.Where(a => a.Positional));
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i] ?? "";
            var eq = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=') : -1;
            var name = eq > 0 ? arg[..eq] : arg;
            var definition = command.Arguments.FirstOrDefault(a => a.Switches.Contains(name, StringComparer.Ordinal));
            if (definition is null && arg.Length > 1 && arg[0] == '-' && !char.IsDigit(arg[1]))
            {
                error = $"{palette} {command.Name}: unknown switch {Echo.Shorten(arg)} (usage: {command.Usage(palette)})";
                return null;
            }
            if (definition is null)
            {
                if (!positionals.TryDequeue(out var positional))
                {
                    error = $"{palette} {command.Name}: unexpected argument '{Echo.Shorten(arg)}' (usage: {command.Usage(palette)})";
                    return null;
                }
                values[positional.Name] = arg;
            }
            else if (definition.IsFlag)
            {
                flags.Add(definition.Name);
            }
            else if (eq > 0)
            {
                values[definition.Name] = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                values[definition.Name] = args[++i] ?? "";
            }
            else
            {
                error = $"{palette} {command.Name}: {name} needs a value (usage: {command.Usage(palette)})";
                return null;
            }
        }
        var missing = command.Arguments.FirstOrDefault(a => a.Mandatory && !values.ContainsKey(a.Name) && !flags.Contains(a.Name));
        if (missing is not null)
        {
            error = $"{palette} {command.Name}: missing argument {missing.Usage()} (usage: {command.Usage(palette)})";
            return null;
        }
        error = null;
        return new CommandCall(palette, command, values, flags);
    }
}
