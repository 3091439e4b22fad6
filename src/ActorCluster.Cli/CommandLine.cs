namespace ActorCluster.Cli;

/// <summary>A user error: printed as one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// A deliberately small parser: <c>--name value</c>, <c>--name=value</c>, flags, repeatable options.
/// Options a command does not know are either an error or, for <c>submit</c>, passed on to the workload.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public List<string> Rest { get; } = [];

    private CommandLine() { }

    /// <param name="valued">Options that take a value.</param>
    /// <param name="flags">Options without a value.</param>
    /// <param name="passThroughUnknown">Unknown options go to <see cref="Rest"/> instead of failing.</param>
    public static CommandLine Parse(IReadOnlyList<string> args, string command, ISet<string> valued, ISet<string> flags, bool passThroughUnknown = false)
    {
        var parsed = new CommandLine();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                parsed.Rest.Add(arg);
                continue;
            }
            var name = arg[2..];
            string? inline = null;
            var eq = name.IndexOf('=');
            if (eq >= 0) { inline = name[(eq + 1)..]; name = name[..eq]; }
            if (flags.Contains(name))
            {
                parsed._flags.Add(name);
            }
            else if (valued.Contains(name))
            {
                var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"{command}: --{name} needs a value"));
                if (!parsed._values.TryGetValue(name, out var list))
                    parsed._values[name] = list = [];
                list.Add(value);
            }
            else if (passThroughUnknown)
            {
                parsed.Rest.Add(arg);
            }
            else
            {
                throw new UsageException($"{command}: unknown option {arg} (see actorcluster {command} --help)");
            }
        }
        return parsed;
    }

    /// <summary>This parse's options plus <paramref name="other"/>'s (later values win), and both rests.</summary>
    public CommandLine Merge(CommandLine other)
    {
        var merged = new CommandLine();
        foreach (var source in new[] { this, other })
        {
            foreach (var (k, v) in source._values)
            {
                if (!merged._values.TryGetValue(k, out var list)) merged._values[k] = list = [];
                list.AddRange(v);
            }
            merged._flags.UnionWith(source._flags);
            merged.Rest.AddRange(source.Rest);
        }
        return merged;
    }

    public bool Has(string flag) => _flags.Contains(flag);

    public string? Get(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    public IReadOnlyList<string> GetAll(string name) => _values.TryGetValue(name, out var list) ? list : [];

    public int? GetInt(string name, string command, int min, int max)
    {
        var raw = Get(name);
        if (raw is null) return null;
        if (!int.TryParse(raw, out var value) || value < min || value > max)
            throw new UsageException($"{command}: --{name} must be a whole number from {min} to {max}, got '{raw}'");
        return value;
    }
}
