using System.ComponentModel;
using System.Diagnostics;
using ActorCluster.Core.Text;

namespace ActorCluster.Workloads;

/// <summary>
/// Runs one command without a shell and keeps at most <see cref="OutputLimit"/> bytes of each of its outputs.
/// The rest is read and thrown away, so a chatty command never blocks on a full pipe and never fills memory.
/// A command that outlives its timeout, or whose job is cancelled, is killed with its whole process tree.
/// </summary>
public static class CommandRunner
{
    public const int OutputLimit = 64 * 1024;

    /// <summary>How long to wait for the pipes to close once the command exited: a child it left running may hold them.</summary>
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(2);

    /// <param name="timeout">Null = no limit.</param>
    /// <exception cref="OperationCanceledException">The job was cancelled; the command was killed.</exception>
    public static CommandOutcome Run(IReadOnlyList<string> argv, TimeSpan? timeout, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var start = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        for (var i = 1; i < argv.Count; i++) start.ArgumentList.Add(argv[i]);

        var clock = Stopwatch.StartNew();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("no process started");
        }
        catch (Win32Exception e)
        {
            return new CommandOutcome(null, false, $"cannot run '{Echo.Shorten(argv[0], 200)}': {e.Message}", clock.Elapsed, [], 0, [], 0);
        }
        using (process)
        {
            // The command reads an empty input instead of waiting on the node's.
            try { process.StandardInput.Close(); } catch (IOException) { }
            var stdout = CaptureAsync(process.StandardOutput.BaseStream);
            var stderr = CaptureAsync(process.StandardError.BaseStream);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            if (timeout is { } t) limit.CancelAfter(t);
            var timedOut = false;
            try
            {
                process.WaitForExitAsync(limit.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                timedOut = !cancellation.IsCancellationRequested;
            }
            var duration = clock.Elapsed;
            if (!Task.WaitAll([stdout, stderr], DrainGrace))
            {
                // A child the command left behind still holds a pipe: stop reading (it gets EPIPE if it writes on).
                process.StandardOutput.BaseStream.Dispose();
                process.StandardError.BaseStream.Dispose();
                Task.WaitAll([stdout, stderr], DrainGrace);
            }
            cancellation.ThrowIfCancellationRequested();
            var (outBytes, outTotal) = stdout.IsCompletedSuccessfully ? stdout.Result : ([], 0);
            var (errBytes, errTotal) = stderr.IsCompletedSuccessfully ? stderr.Result : ([], 0);
            return new CommandOutcome(timedOut ? null : process.ExitCode, timedOut, null, duration, outBytes, outTotal, errBytes, errTotal);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException) { /* it exited meanwhile */ }
        catch (Win32Exception) { /* it exited meanwhile, or a child is not ours to kill */ }
    }

    /// <summary>Reads a pipe to its end, keeping the first <see cref="OutputLimit"/> bytes and counting all.</summary>
    private static async Task<(byte[] Kept, long Total)> CaptureAsync(Stream pipe)
    {
        var kept = new byte[OutputLimit];
        var used = 0;
        long total = 0;
        var scratch = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = used < kept.Length
                    ? await pipe.ReadAsync(kept.AsMemory(used)).ConfigureAwait(false)
                    : await pipe.ReadAsync(scratch).ConfigureAwait(false);
                if (read == 0) break;
                if (used < kept.Length) used += read;
                total += read;
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The pipe was closed under us after the grace period: what was read stands.
        }
        return (kept.AsSpan(0, used).ToArray(), total);
    }

}
