using System.Globalization;

namespace ActorCluster.Abstractions;

/// <summary>
/// One argument a workload takes, e.g. <c>--degree N</c>. The same object tells <see cref="WorkloadArguments"/>
/// how to read the value and <c>actorcluster submit &lt;workload&gt; --help</c> what to print, so the help can
/// never drift from what the parser accepts.
/// </summary>
public abstract class WorkloadOption
{
    private protected WorkloadOption(string name, string valueName, string description, string? allowed, string? defaultText)
    {
        Name = name;
        ValueName = valueName;
        Description = description;
        Allowed = allowed;
        DefaultText = defaultText;
    }

    /// <summary>The name without dashes: <c>degree</c> for <c>--degree</c>.</summary>
    public string Name { get; }

    /// <summary>The value's placeholder in help, e.g. <c>N</c>.</summary>
    public string ValueName { get; }

    public string Description { get; }

    /// <summary>The values the parser accepts, when narrower than the type's (e.g. <c>2 to 32</c>); null otherwise.</summary>
    public string? Allowed { get; }

    /// <summary>What an absent option means, for help; null when the option is required.</summary>
    public string? DefaultText { get; }

    public bool Required => DefaultText is null;

    /// <summary>A switch: given alone (<c>--recursive</c>), it takes no value.</summary>
    public bool IsFlag { get; private protected init; }

    /// <summary><c>--name VALUE</c>, bracketed when optional: this option's part of a usage line.</summary>
    public string Synopsis => IsFlag ? $"[--{Name}]" : Required ? $"--{Name} {ValueName}" : $"[--{Name} {ValueName}]";

    /// <summary>The description followed by the accepted values and the default, as help shows it.</summary>
    public string HelpText
    {
        get
        {
            var notes = new List<string>();
            if (Allowed is not null) notes.Add(Allowed);
            notes.Add(Required ? "required" : $"default {DefaultText}");
            return $"{Description} ({string.Join("; ", notes)})";
        }
    }

    /// <param name="defaultValue">Null makes the option required.</param>
    public static WorkloadOption<long> Int64(string name, string valueName, string description, long min, long max, long? defaultValue = null) =>
        new(name, valueName, description, Range(min, max, long.MinValue, long.MaxValue), defaultValue?.ToString(CultureInfo.InvariantCulture),
            defaultValue ?? 0, (workload, raw) => ParseInt64(workload, name, raw, min, max));

    /// <param name="defaultValue">Null makes the option required.</param>
    public static WorkloadOption<int> Int32(string name, string valueName, string description, int min, int max, int? defaultValue = null) =>
        new(name, valueName, description, Range(min, max, int.MinValue, int.MaxValue), defaultValue?.ToString(CultureInfo.InvariantCulture),
            defaultValue ?? 0, (workload, raw) => (int)ParseInt64(workload, name, raw, min, max));

    /// <summary>An optional number whose default is not a constant (e.g. another option's value): the workload supplies it when reading.</summary>
    public static WorkloadOption<int> Int32(string name, string valueName, string description, int min, int max, string defaultText) =>
        new(name, valueName, description, Range(min, max, int.MinValue, int.MaxValue), defaultText,
            0, (workload, raw) => (int)ParseInt64(workload, name, raw, min, max));

    /// <param name="defaultValue">Null makes the option required.</param>
    public static WorkloadOption<double> Double(string name, string valueName, string description, double min, double max, double? defaultValue = null) =>
        new(name, valueName, description, $"{min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}",
            defaultValue?.ToString(CultureInfo.InvariantCulture), defaultValue ?? 0, (workload, raw) =>
            {
                if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value))
                    throw new WorkloadArgumentException($"{workload}: --{name} must be a number, got '{raw}'");
                if (value < min || value > max)
                    throw new WorkloadArgumentException($"{workload}: --{name} must be between {min} and {max}, got {value}");
                return value;
            });

    /// <summary>Free text; the workload checks it further if it must (e.g. a distribution's syntax).</summary>
    /// <param name="defaultValue">Null makes the option required.</param>
    public static WorkloadOption<string> Text(string name, string valueName, string description, string? defaultValue = null) =>
        new(name, valueName, description, null, defaultValue, defaultValue ?? "", (_, raw) => raw);

    /// <summary>A switch that is off unless given: <c>--name</c> alone (or <c>--name=true|false</c>).</summary>
    public static WorkloadOption<bool> Flag(string name, string description) =>
        new(name, "", description, null, "off", false, (workload, raw) => raw switch
        {
            WorkloadArguments.FlagGiven or "true" => true,
            "false" => false,
            _ => throw new WorkloadArgumentException($"{workload}: --{name} takes no value (or true/false), got '{raw}'"),
        }) { IsFlag = true };

    /// <summary>One word out of <paramref name="choices"/>.</summary>
    public static WorkloadOption<string> Choice(string name, string description, IReadOnlyList<string> choices, string defaultValue)
    {
        var listed = choices.Count == 1 ? choices[0] : $"{string.Join(", ", choices.Take(choices.Count - 1))} or {choices[^1]}";
        return new(name, string.Join('|', choices), description, null, defaultValue, defaultValue, (workload, raw) =>
            choices.Contains(raw) ? raw : throw new WorkloadArgumentException($"{workload}: --{name} must be {listed}, got '{raw}'"));
    }

    private static long ParseInt64(string workload, string name, string raw, long min, long max)
    {
        if (!long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw new WorkloadArgumentException($"{workload}: --{name} must be a whole number, got '{raw}'");
        if (value < min || value > max)
            throw new WorkloadArgumentException($"{workload}: --{name} must be between {min} and {max}, got {value}");
        return value;
    }

    private static string? Range(long min, long max, long typeMin, long typeMax) =>
        min == typeMin && max == typeMax ? null
        : max == typeMax ? $"at least {min}"
        : $"{min} to {max}";
}
