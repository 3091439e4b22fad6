using System.Diagnostics;
using System.Globalization;

namespace ActorCluster.Bench;

/// <summary>A process's CPU time and socket traffic, from /proc and <c>ss</c> (Linux); zero elsewhere.</summary>
public static class ProcStatus
{
    /// <summary>
    /// Sums <c>bytes_received</c> and <c>bytes_sent</c> over the established TCP connections of a process, as
    /// <c>ss -tinp</c> reports them (socket I/O does not show in /proc/PID/io). Zero when <c>ss</c> is missing.
    /// </summary>
    public static (long Received, long Sent) SocketBytes(int pid)
    {
        try
        {
            var info = new ProcessStartInfo("ss", "-tinpH state established") { RedirectStandardOutput = true, UseShellExecute = false };
            using var ss = Process.Start(info)!;
            var output = ss.StandardOutput.ReadToEnd();
            ss.WaitForExit(5000);
            return ParseSocketBytes(output, pid);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return (0, 0);
        }
    }

    /// <summary>Parses <c>ss -tinpH</c> output: a connection line naming its process, then a line of TCP counters.</summary>
    public static (long Received, long Sent) ParseSocketBytes(string ssOutput, int pid)
    {
        long received = 0, sent = 0;
        var owned = false;
        var marker = $"pid={pid.ToString(CultureInfo.InvariantCulture)},";
        foreach (var line in ssOutput.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (!char.IsWhiteSpace(line[0]))
            {
                owned = line.Contains(marker, StringComparison.Ordinal);
                continue;
            }
            if (!owned) continue;
            received += Counter(line, "bytes_received:");
            sent += Counter(line, "bytes_sent:");
        }
        return (received, sent);
    }

    private static long Counter(string line, string name)
    {
        var at = line.IndexOf(name, StringComparison.Ordinal);
        if (at < 0) return 0;
        var start = at + name.Length;
        var end = start;
        while (end < line.Length && char.IsDigit(line[end])) end++;
        return long.TryParse(line.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
    }

    /// <summary>Total CPU time (user + system) of a process in seconds, from /proc/PID/stat.</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[11] = utime, fields[12] = stime (0-based after the command name), in clock ticks
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}
