using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using ActorCluster.Core.Security;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// A small network of Linux network namespaces for the multi-host specs: a bridge in the test's own namespace
/// at <see cref="HostIp"/> (where PostgreSQL listens) and one namespace per "machine", each joined to the bridge
/// by a veth link with its own address on 10.251.0.0/24. No namespace has a route anywhere else. Every name
/// starts with <see cref="Prefix"/>, so a run killed half-way is cleaned up by the next one (under a lock, so
/// two runs never tear down each other's network). Disposing kills every process in the namespaces and
/// removes the namespaces, links, bridge, database server and data.
/// </summary>
public sealed class NamespaceNetwork : IAsyncLifetime
{
    public const string Prefix = "acmh-";
    public const string HostIp = "10.251.0.1";
    private const string Bridge = Prefix + "br";
    private const string Subnet = "10.251.0.0/24";
    private const string LockPath = "/tmp/actorcluster-netns.lock";

    /// <summary>The whole class's time limit: every wait of the specs is cut to what is left of it.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(12);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<(TimeSpan At, string Source, string Line)> _timeline = new();
    private readonly List<NodeProcess> _processes = [];
    private readonly List<string> _namespaces = [];
    private readonly List<Machine> _machines = [];
    private FileStream? _lock;
    private PostgresServer? _postgres;

    /// <summary>Null when the network can be built here; otherwise why not (the specs skip with it).</summary>
    public string? Unavailable { get; private set; }

    public string DataRoot { get; } = Path.Combine(Path.GetTempPath(), "actorcluster-netns-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>
    /// The cluster's CA and certificates, as `actorcluster certs` writes them: machines off loopback speak mutual TLS.
    /// One node certificate (with every machine's address) serves all nodes; the client has its own.
    /// </summary>
    public string CertsDir => Path.Combine(DataRoot, "certs");

    /// <summary>ACTORCLUSTER_TLS_* for a node (<paramref name="name"/> "node") or the client ("client").</summary>
    public Dictionary<string, string?> TlsEnvironment(string name) => new()
    {
        ["ACTORCLUSTER_TLS_CERT"] = CertificateFiles.CertificatePath(CertsDir, name),
        ["ACTORCLUSTER_TLS_KEY"] = CertificateFiles.KeyPath(CertsDir, name),
        ["ACTORCLUSTER_TLS_CA"] = CertificateFiles.CertificatePath(CertsDir, "ca"),
    };

    public async Task InitializeAsync()
    {
        Unavailable = await WhyUnavailableAsync();
        if (Unavailable is not null) return;
        _lock = await TakeLockAsync();
        try
        {
            await RemoveStaleAsync();
            Directory.CreateDirectory(DataRoot);
            WriteCertificates();
            await Ip("link", "add", Bridge, "type", "bridge");
            await Ip("addr", "add", HostIp + "/24", "dev", Bridge);
            await Ip("link", "set", Bridge, "up");
            _postgres = new PostgresServer(HostIp, Subnet);
            await _postgres.InitializeAsync();
            for (var i = 1; i <= 4; i++) _machines.Add(await AddMachineAsync($"m{i}", 10 + i));
            Client = await AddMachineAsync("client", 100);
        }
        catch
        {
            // Undo what was built so far at once (disposing twice is harmless), not only at the next run's start.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>m1..m4 at 10.251.0.11-14: the cluster's machines.</summary>
    public IReadOnlyList<Machine> Machines => _machines;

    /// <summary>At 10.251.0.100: where `submit` runs, outside the cluster.</summary>
    public Machine Client { get; private set; } = null!;

    /// <summary>Runs a plain program inside <paramref name="machine"/> and waits for it (bounded).</summary>
    public Task<CommandResult> RunInAsync(Machine machine, string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        return ActorClusterProgram.RunAsync(InNamespace(machine, info), Bounded(TimeSpan.FromSeconds(30)));
    }

    /// <summary>The time since the network was built: the clock of <see cref="TimeOf"/>.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary><paramref name="wanted"/>, or less if the class's budget has less left (a spec past the budget fails).</summary>
    public TimeSpan Bounded(TimeSpan wanted)
    {
        var left = Budget - _clock.Elapsed;
        if (left <= TimeSpan.Zero) throw new TimeoutException($"the multi-host specs ran past their {Budget.TotalMinutes:0} min limit");
        return wanted < left ? wanted : left;
    }

    /// <summary>A fresh database on the bridge's PostgreSQL, as ACTORCLUSTER_DB: each spec's cluster starts with no jobs.</summary>
    public Task<string> NewDatabaseAsync() => _postgres!.NewDatabaseAsync();

    /// <summary>Creates machine <paramref name="name"/> (namespace, link, address, loopback up) at 10.251.0.<paramref name="octet"/>.</summary>
    private async Task<Machine> AddMachineAsync(string name, int octet)
    {
        var ns = Prefix + name;
        await Ip("netns", "add", ns);
        _namespaces.Add(ns);
        // The host side of the link carries the namespace's name; inside, the machine sees an ordinary eth0.
        await Ip("link", "add", ns, "type", "veth", "peer", "name", "eth0", "netns", ns);
        await Ip("link", "set", ns, "master", Bridge, "up");
        await Ip("-n", ns, "addr", "add", $"10.251.0.{octet}/24", "dev", "eth0");
        await Ip("-n", ns, "link", "set", "eth0", "up");
        await Ip("-n", ns, "link", "set", "lo", "up");
        return new Machine(name, ns, $"10.251.0.{octet}", Path.Combine(DataRoot, name));
    }

    /// <summary>
    /// Pulls the machine's cable (its link's host side down) or plugs it back in. Plugged back in, it returns once the
    /// machine reaches the database again: the bridge port and the neighbours come back a moment after the command,
    /// and a node started inside at once failed to open its job store.
    /// </summary>
    public async Task SetLinkAsync(Machine machine, bool up)
    {
        await Ip("link", "set", machine.Namespace, up ? "up" : "down");
        if (!up) return;
        var deadline = Now + TimeSpan.FromSeconds(15);
        CommandResult probe;
        do
        {
            probe = await RunInAsync(machine, "timeout", "1", "bash", "-c", $"exec 3<>/dev/tcp/{HostIp}/{_postgres!.Port}");
            if (probe.ExitCode == 0) return;
            await Task.Delay(200);
        } while (Now < deadline);
        throw new InvalidOperationException($"{machine.Name} did not reach {HostIp}:{_postgres.Port} within 15 s of its link coming back: {probe.Stderr.Trim()}");
    }

    /// <summary>
    /// Starts `actorcluster ARGS` inside the machine, with exactly <paramref name="env"/> on top of the runner's
    /// environment (runner overrides removed), optionally pinned to one core. Every line is stamped on the timeline.
    /// </summary>
    public NodeProcess Start(Machine machine, string name, IEnumerable<string> args, IDictionary<string, string?> env, int? cpu = null) =>
        Start(machine, name, ActorClusterProgram.StartInfo(ActorClusterProgram.Dll, args, env), cpu);

    /// <summary>Starts the `pbm` tool inside the machine and waits for it (bounded).</summary>
    public Task<CommandResult> RunPbmAsync(Machine machine, TimeSpan timeout, params string[] args) =>
        ActorClusterProgram.RunAsync(InNamespace(machine, ActorClusterProgram.StartInfo(ActorClusterProgram.PbmDll, args)), Bounded(timeout));

    private NodeProcess Start(Machine machine, string name, ProcessStartInfo info, int? cpu)
    {
        var started = InNamespace(machine, cpu is { } c ? BuiltPrograms.PinnedTo(info, c) : info);
        var process = NodeProcess.Start(name, started, line => _timeline.Enqueue((_clock.Elapsed, name, line)));
        lock (_processes) _processes.Add(process);
        return process;
    }

    /// <summary>When <paramref name="source"/> first printed a line matching <paramref name="match"/>; null if it has not.</summary>
    public TimeSpan? TimeOf(string source, Func<string, bool> match) =>
        _timeline.Where(e => e.Source == source && match(e.Line)).Select(e => (TimeSpan?)e.At).FirstOrDefault();

    /// <summary>Every line of <paramref name="source"/> with when it came.</summary>
    public IReadOnlyList<(TimeSpan At, string Line)> LinesOf(string source) =>
        _timeline.Where(e => e.Source == source).Select(e => (e.At, e.Line)).ToList();

    /// <summary>Every process started so far with its output, for failure messages.</summary>
    public string Logs
    {
        get
        {
            lock (_processes)
                return string.Join("\n\n", _processes.Select(p => $"--- {p.Name} ---\n{p.Log}"));
        }
    }

    /// <summary>Stops (SIGTERM, then kill) every process started so far; the network stays for the next spec.</summary>
    public void StopAll()
    {
        List<NodeProcess> all;
        lock (_processes)
        {
            all = [.. _processes];
            _processes.Clear();
        }
        Parallel.ForEach(Enumerable.Reverse(all), p =>
        {
            p.Stop(TimeSpan.FromSeconds(5));
            p.Dispose();
        });
    }

    public async Task DisposeAsync()
    {
        if (_lock is null) return;
        try
        {
            StopAll();
            foreach (var ns in _namespaces)
            {
                await KillProcessesInAsync(ns);
                await RunAsync("ip", ["netns", "del", ns]); // deleting a namespace removes its veth pair too
            }
            await RunAsync("ip", ["link", "del", Bridge]);
            if (_postgres is not null) await _postgres.DisposeAsync();
        }
        finally
        {
            try { Directory.Delete(DataRoot, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            _lock.Dispose();
            _lock = null;
        }
    }

    private void WriteCertificates()
    {
        var ca = ClusterCertificates.CreateAuthority("multi-host test CA");
        CertificateFiles.Write(CertsDir, "ca", ca, force: false);
        var addresses = Enumerable.Range(1, 254).Select(i => IPAddress.Parse($"10.251.0.{i}"));
        CertificateFiles.Write(CertsDir, "node", ClusterCertificates.Issue(ca, "node", addresses, []), force: false);
        CertificateFiles.Write(CertsDir, "client", ClusterCertificates.Issue(ca, "client", [], []), force: false);
    }

    private static ProcessStartInfo InNamespace(Machine machine, ProcessStartInfo info)
    {
        // Each machine has its own runtime directory, where its node writes the admin token its pbm reads.
        var runtime = Path.Combine(machine.DataDir + "-run");
        Directory.CreateDirectory(runtime);
        info.Environment["XDG_RUNTIME_DIR"] = runtime;
        // `ip netns exec` execs the program, so the process id (and SIGTERM to it) is the program's own.
        var wrapped = new ProcessStartInfo("ip")
        {
            RedirectStandardInput = info.RedirectStandardInput,
            RedirectStandardOutput = info.RedirectStandardOutput,
            RedirectStandardError = info.RedirectStandardError,
            UseShellExecute = false,
            WorkingDirectory = info.WorkingDirectory,
        };
        foreach (var a in (string[])["netns", "exec", machine.Namespace, info.FileName, .. info.ArgumentList]) wrapped.ArgumentList.Add(a);
        wrapped.Environment.Clear();
        foreach (var (k, v) in info.Environment) wrapped.Environment[k] = v;
        return wrapped;
    }

    private static async Task<string?> WhyUnavailableAsync()
    {
        if (!OperatingSystem.IsLinux()) return "network namespaces need Linux";
        if (!IsRoot()) return "network namespaces need root (CI runs the tests as root)";
        if (!BuiltPrograms.CanPin) return "taskset (util-linux) is missing";
        try
        {
            var probe = await RunAsync("ip", ["netns", "list"]);
            return probe.ExitCode == 0 ? null : $"`ip netns` does not work here: {probe.Stderr.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "the `ip` command (iproute2) is missing";
        }
    }

    private static bool IsRoot() =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal)) is { } uid
        && uid.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) == "0";

    /// <summary>One run at a time on a machine: the lock is the kernel's, so it dies with a killed run.</summary>
    private static async Task<FileStream> TakeLockAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (deadline.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(500);
            }
        }
    }

    /// <summary>Namespaces and links a killed run left behind, with any process still running in them.</summary>
    private static async Task RemoveStaleAsync()
    {
        var namespaces = (await RunAsync("ip", ["netns", "list"])).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')[0]).Where(n => n.StartsWith(Prefix, StringComparison.Ordinal));
        foreach (var ns in namespaces)
        {
            await KillProcessesInAsync(ns);
            await Ip("netns", "del", ns);
        }
        var links = (await RunAsync("ip", ["-o", "link", "show"])).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 3).ElementAtOrDefault(1)?.Trim().Split('@')[0]).OfType<string>()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal));
        foreach (var link in links) await RunAsync("ip", ["link", "del", link]);
    }

    private static async Task KillProcessesInAsync(string ns)
    {
        foreach (var pid in (await RunAsync("ip", ["netns", "pids", ns])).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            try { Process.GetProcessById(int.Parse(pid)).Kill(entireProcessTree: true); } catch (ArgumentException) { } catch (InvalidOperationException) { }
    }

    private static async Task Ip(params string[] args)
    {
        var result = await RunAsync("ip", args);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"`ip {string.Join(' ', args)}` failed ({result.ExitCode}): {result.Stderr.Trim()}");
    }

    private static Task<CommandResult> RunAsync(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        return ActorClusterProgram.RunAsync(info, TimeSpan.FromSeconds(30));
    }
}
