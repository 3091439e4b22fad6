using System.CommandLine;
using System.CommandLine.Parsing;

namespace ActorCluster.Admin.CommandLine;

/// <summary>
/// Options as <c>actorcluster</c> and <c>pbm</c> take them. A valued option may be repeated and the last one
/// wins (scripts append overrides); its errors are one line without the command's name, which the runner adds.
/// </summary>
public static class CliOption
{
    public static Option<string?> Text(string name, string helpName, string description) =>
        Parsed<string?>(name, helpName, description, raw => (raw, null));

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int?> Int(string name, string helpName, string description, int min, int max) =>
        Parsed<int?>(name, helpName, description, raw =>
            int.TryParse(raw, out var value) && value >= min && value <= max
                ? (value, null)
                : (null, $"{name} must be a whole number from {min} to {max}, got '{raw}'"));

    /// <summary>An option whose last value <paramref name="parse"/> turns into a value or an error message.</summary>
    public static Option<T> Parsed<T>(string name, string helpName, string description, Func<string, (T Value, string? Error)> parse) =>
        new(name)
        {
            HelpName = helpName,
            Description = description,
            Arity = ArgumentArity.OneOrMore,
            CustomParser = result =>
            {
                var (value, error) = parse(result.Tokens[^1].Value);
                if (error is not null) result.AddError(error);
                return value;
            },
        };

    /// <summary>A flag: present or not, never followed by a value (so the next word stays a word).</summary>
    public static Option<bool> Flag(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>An option that collects every occurrence, e.g. <c>--seed A --seed B</c>.</summary>
    public static Option<string[]> Repeated(string name, string helpName, string description) =>
        new(name) { HelpName = helpName, Description = description, Arity = ArgumentArity.OneOrMore };

    /// <summary>Rejects a value of <paramref name="option"/> with the message <paramref name="check"/> returns (null: accepted); an absent option is not checked.</summary>
    public static Option<T> Check<T>(this Option<T> option, Func<T, string?> check)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() is { } value && check(value) is { } error)
                result.AddError(error);
        });
        return option;
    }

    /// <summary>The option's value completions, e.g. the roles a node knows.</summary>
    public static Option<T> Completes<T>(this Option<T> option, params string[] values)
    {
        option.CompletionSources.Add(values);
        return option;
    }
}
