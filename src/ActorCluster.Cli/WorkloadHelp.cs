using ActorCluster.Abstractions;
using ActorCluster.Core.Jobs;

namespace ActorCluster.Cli;

/// <summary>A workload's help, made from the same <see cref="WorkloadOption"/>s its parser reads.</summary>
public static class WorkloadHelp
{
    /// <summary><c>lfsr --degree N</c>: the workload's name and its options, optional ones bracketed.</summary>
    public static string Synopsis(IWorkload workload) =>
        string.Join(' ', workload.Options.Select(o => o.Synopsis).Prepend(workload.Name));

    /// <summary>
    /// Prints the help of the workload <paramref name="name"/> (built in, or a plugin of the client's --plugins directory)
    /// and returns 0; a name the client does not know is a usage error.
    /// </summary>
    public static int Print(string name, WorkloadRegistry known, TextWriter output)
    {
        var workload = known.Find(name)?.Workload
            ?? throw new UsageException($"submit: unknown workload '{Core.Text.Echo.Shorten(name)}' (known here: {string.Join(", ", known.Installed.Select(w => w.Workload.Name))}); " +
                                        $"for a plugin's help, point --plugins DIR or {WorkloadSetup.PluginsVariable} at its DLL");
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
