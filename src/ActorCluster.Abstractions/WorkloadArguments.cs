namespace ActorCluster.Abstractions;

/// <summary>
/// A small parser for workload arguments of the form <c>--name value</c>, read through the workload's
/// <see cref="WorkloadOption"/>s. Every error names the argument so the user sees a one-line reason. An argument
/// followed by another <c>--name</c> (or by nothing) is a switch (<see cref="WorkloadOption.Flag"/>); an option
/// that needs a value says so when it is read.
/// </summary>
public sealed class WorkloadArguments
{
    /// <summary>The value of an argument given without one: only a switch accepts it.</summary>
    internal const string FlagGiven = "\0given";

    private readonly string _workload;
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _consumed = new(StringComparer.Ordinal);

    public WorkloadArguments(string workload, IReadOnlyList<string> args)
    {
        _workload = workload;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new WorkloadArgumentException($"{workload}: unexpected argument '{arg}' (expected --name value)");
            var name = arg[2..];
            string value;
            var eq = name.IndexOf('=');
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else
            {
                value = i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal) && args[i + 1].Length > 2 ? FlagGiven : args[++i];
            }
            if (!_values.TryAdd(name, value))
                throw new WorkloadArgumentException($"{workload}: --{name} given more than once");
        }
    }

    /// <summary>The option's value, its default when absent, or a one-line error naming the option.</summary>
    public T Get<T>(WorkloadOption<T> option) =>
        Get(option, option.Required ? default : option.DefaultValue, option.Required);

    /// <summary>The option's value, or <paramref name="whenAbsent"/> (for a default that depends on other options).</summary>
    public T Get<T>(WorkloadOption<T> option, T whenAbsent) => Get(option, whenAbsent, required: false);

    private T Get<T>(WorkloadOption<T> option, T? whenAbsent, bool required)
    {
        if (!_values.TryGetValue(option.Name, out var raw))
            return required ? throw new WorkloadArgumentException($"{_workload}: --{option.Name} is required") : whenAbsent!;
        _consumed.Add(option.Name);
        if (raw == FlagGiven && !option.IsFlag)
            throw new WorkloadArgumentException($"{_workload}: --{option.Name} needs a value");
        return option.Convert(_workload, raw);
    }

    // Shorthands for workloads that describe no options (test workloads); the checks and messages are the options'.
    public long GetInt64(string name, long? defaultValue, long min, long max) =>
        Get(WorkloadOption.Int64(name, "N", "", min, max, defaultValue));

    public int GetInt32(string name, int? defaultValue, int min, int max) =>
        Get(WorkloadOption.Int32(name, "N", "", min, max, defaultValue));

    public double GetDouble(string name, double? defaultValue, double min, double max) =>
        Get(WorkloadOption.Double(name, "X", "", min, max, defaultValue));

    public string GetString(string name, string? defaultValue) =>
        Get(WorkloadOption.Text(name, "TEXT", "", defaultValue));

    /// <summary>Call after reading every known argument: a typo must not be silently ignored.</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_consumed.Contains(k)).OrderBy(k => k).ToList();
        if (unknown.Count > 0)
            throw new WorkloadArgumentException($"{_workload}: unknown argument --{unknown[0]}");
    }
}
