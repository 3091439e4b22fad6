using ActorCluster.Abstractions;
using ActorCluster.Workloads;

namespace ActorCluster.Cli;

/// <summary>A workload's help, made from the same <see cref="WorkloadOption"/>s its parser reads.</summary>
public static class WorkloadHelp
{
    /// <summary><c>lfsr --degree N</c>: the workload's name and its options, optional ones bracketed.</summary>
    public static string Synopsis(IWorkload workload) =>
        string.Join(' ', workload.Options.Select(o => o.Synopsis).Prepend(workload.Name));

    /// <summary>Prints the help of the built-in workload <paramref name="name"/> and returns 0; a name no node here knows is a usage error.</summary>
    public static int Print(string name, TextWriter output)
    {
        var workload = BuiltInWorkloads.All.FirstOrDefault(w => w.Name == name)
            ?? throw new UsageException($"submit: unknown workload '{name}' (known: {string.Join(", ", BuiltInWorkloads.All.Select(w => w.Name).Order())})");
        output.WriteLine("Description:");
        output.WriteLine($"  {workload.Name}: {workload.Description}");
        output.WriteLine();
        output.WriteLine("Usage:");
        output.WriteLine($"  actorcluster submit --seed HOST:PORT {Synopsis(workload)} [--output DIR] [--timeout SECONDS] [--detach] [--no-cache]");
        output.WriteLine();
        if (workload.Options.Count == 0) return 0;
        output.WriteLine("Options:");
        var width = workload.Options.Max(o => o.Name.Length + o.ValueName.Length) + 4;
        foreach (var option in workload.Options)
            output.WriteLine($"  {$"--{option.Name} {option.ValueName}".PadRight(width)}  {option.HelpText}");
        output.WriteLine();
        return 0;
    }
}
