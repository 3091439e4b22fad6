using System.Globalization;

namespace ActorCluster.Abstractions;

/// <summary>
/// A small parser for workload arguments of the form <c>--name value</c>. Every error names the
/// argument so the user sees a one-line reason.
/// </summary>
public sealed class WorkloadArguments
{
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
                if (i + 1 >= args.Count)
                    throw new WorkloadArgumentException($"{workload}: --{name} needs a value");
                value = args[++i];
            }
            if (!_values.TryAdd(name, value))
                throw new WorkloadArgumentException($"{workload}: --{name} given more than once");
        }
    }

    public long GetInt64(string name, long? defaultValue, long min, long max)
    {
        if (!_values.TryGetValue(name, out var raw))
        {
            return defaultValue ?? throw new WorkloadArgumentException($"{_workload}: --{name} is required");
        }
        _consumed.Add(name);
        if (!long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw new WorkloadArgumentException($"{_workload}: --{name} must be a whole number, got '{raw}'");
        if (value < min || value > max)
            throw new WorkloadArgumentException($"{_workload}: --{name} must be between {min} and {max}, got {value}");
        return value;
    }

    public int GetInt32(string name, int? defaultValue, int min, int max) =>
        (int)GetInt64(name, defaultValue, min, max);

    public double GetDouble(string name, double? defaultValue, double min, double max)
    {
        if (!_values.TryGetValue(name, out var raw))
            return defaultValue ?? throw new WorkloadArgumentException($"{_workload}: --{name} is required");
        _consumed.Add(name);
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value))
            throw new WorkloadArgumentException($"{_workload}: --{name} must be a number, got '{raw}'");
        if (value < min || value > max)
            throw new WorkloadArgumentException($"{_workload}: --{name} must be between {min} and {max}, got {value}");
        return value;
    }

    public string GetString(string name, string? defaultValue)
    {
        if (!_values.TryGetValue(name, out var raw))
            return defaultValue ?? throw new WorkloadArgumentException($"{_workload}: --{name} is required");
        _consumed.Add(name);
        return raw;
    }

    /// <summary>Call after reading every known argument: a typo must not be silently ignored.</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_consumed.Contains(k)).OrderBy(k => k).ToList();
        if (unknown.Count > 0)
            throw new WorkloadArgumentException($"{_workload}: unknown argument --{unknown[0]}");
    }
}
