namespace ActorCluster.Abstractions;

/// <summary>A <see cref="WorkloadOption"/> whose value reads as <typeparamref name="T"/>; made by <see cref="WorkloadOption"/>'s factories.</summary>
public sealed class WorkloadOption<T> : WorkloadOption
{
    private readonly Func<string, string, T> _convert;

    internal WorkloadOption(string name, string valueName, string description, string? allowed, string? defaultText, T defaultValue,
        Func<string, string, T> convert)
        : base(name, valueName, description, allowed, defaultText)
    {
        DefaultValue = defaultValue;
        _convert = convert;
    }

    /// <summary>The value of an absent optional option (meaningless for a required one).</summary>
    public T DefaultValue { get; }

    /// <summary>Converts the value given on the command line, or throws <see cref="WorkloadArgumentException"/> naming the workload and option.</summary>
    internal T Convert(string workload, string raw) => _convert(workload, raw);
}
