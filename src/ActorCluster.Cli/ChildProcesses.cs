using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ActorCluster.Cli;

/// <summary>Starts more `actorcluster` processes (for the demo and the benchmark) and stops them gracefully.</summary>
public static class ChildProcesses
{
    /// <summary>A start info that runs this same program, whether it was launched as an apphost or through `dotnet`.</summary>
    public static ProcessStartInfo Self(IEnumerable<string> args)
    {
        var processPath = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(processPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(processPath) == "dotnet")
            info.ArgumentList.Add(typeof(ChildProcesses).Assembly.Location);
        foreach (var a in args) info.ArgumentList.Add(a);
        return info;
    }

    [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    private static extern int SysKill(int pid, int signal);

    private const int SigTerm = 15;

    /// <summary>SIGTERM (graceful leave), then kill if it has not exited in time.</summary>
    public static void Stop(Process process, TimeSpan grace)
    {
        try
        {
            if (process.HasExited) return;
            if (OperatingSystem.IsWindows()) process.Kill(entireProcessTree: true);
            else SysKill(process.Id, SigTerm);
            if (!process.WaitForExit(grace))
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

}
