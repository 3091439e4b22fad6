using System.Diagnostics;
using System.Reflection.PortableExecutable;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ActorCluster.Protocol.Processes;
using Xunit.Abstractions;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// docker/ checked without a Docker engine: the compose file names only images, build contexts, files and volumes that
/// exist; the Dockerfile's restore and publish, run as written, give a ReadyToRun `actorcluster` without the bench; and
/// the seed and worker services' entrypoints, run with the compose file's environment, reach `node up` and are healthy.
/// </summary>
public sealed partial class DockerFilesSpecs(ITestOutputHelper output)
{
    private static readonly string DockerDir = Path.Combine(ActorClusterProgram.RepoRoot, "docker");
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The compose file as JSON, read by PyYAML (anchors and merge keys resolved as Compose resolves them).</summary>
    private static async Task<JsonObject> ComposeAsync()
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { "-c", "import sys, json, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))", Path.Combine(DockerDir, "docker-compose.yml") })
            info.ArgumentList.Add(a);
        CommandResult run;
        try
        {
            run = await ActorClusterProgram.RunAsync(info, TimeSpan.FromSeconds(30));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Skip.If(true, "python3 is not installed");
            throw;
        }
        Skip.If(run.ExitCode != 0 && run.Stderr.Contains("No module named 'yaml'"), "python3 has no yaml module (PyYAML)");
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonNode.Parse(run.Stdout)!.AsObject();
    }

    [SkippableFact]
    public async Task Should_name_only_build_contexts_files_images_and_volumes_that_exist_in_the_compose_file()
    {
        var compose = await ComposeAsync();
        var services = compose["services"]!.AsObject();
        var declaredVolumes = compose["volumes"]!.AsObject().Select(v => v.Key).ToHashSet();
        var built = new HashSet<string>();

        Assert.Equal(["certs", "client", "postgres", "seed", "worker"], services.Select(s => s.Key).Order());
        foreach (var (name, node) in services)
        {
            var service = node!.AsObject();
            if (service["build"] is JsonObject build)
            {
                var context = Path.GetFullPath(Path.Combine(DockerDir, (string)build["context"]!));
                Assert.True(Directory.Exists(context), $"{name}: build context {context}");
                Assert.True(File.Exists(Path.Combine(context, (string)build["dockerfile"]!)), $"{name}: dockerfile {build["dockerfile"]}");
                built.Add((string)service["image"]!);
            }
            foreach (var volume in service["volumes"]?.AsArray().Select(v => (string)v!) ?? [])
            {
                var source = volume.Split(':')[0];
                if (source.StartsWith('.') || source.StartsWith('/'))
                    Assert.True(Path.Exists(Path.GetFullPath(Path.Combine(DockerDir, source))), $"{name}: bind mount {source}");
                else
                    Assert.Contains(source, declaredVolumes);
            }
        }
        foreach (var (name, node) in services)
        {
            var image = (string)node!["image"]!;
            // Our image is built by the services that have a build section; any other is pulled, so it names a version.
            if (!built.Contains(image))
                Assert.Matches(@"^[a-z0-9./-]+:[0-9][0-9.]*$", image);
        }
        Assert.Equal(["actorcluster:local"], built);
        Assert.Equal(["/app/init-certs.sh"], services["certs"]!["entrypoint"]!.AsArray().Select(e => (string)e!));
        Assert.True(File.Exists(Path.Combine(DockerDir, "init-certs.sh")));
        Assert.Contains("COPY --chmod=755 docker/init-certs.sh /app/init-certs.sh", await File.ReadAllTextAsync(Path.Combine(DockerDir, "Dockerfile")));

        // The database password must be given: no default anywhere it is used.
        Assert.Matches(@"^\$\{POSTGRES_PASSWORD:\?", (string)services["postgres"]!["environment"]!["POSTGRES_PASSWORD"]!);
        Assert.Contains("${POSTGRES_PASSWORD:?", (string)services["seed"]!["environment"]!["ACTORCLUSTER_DB"]!);
        Assert.NotNull(services["postgres"]!["healthcheck"]);
        Assert.Contains(services["postgres"]!["volumes"]!.AsArray(), v => ((string)v!).EndsWith(":/var/lib/postgresql/data"));

        // --scale worker=N: nothing in the worker service may clash between replicas.
        var worker = services["worker"]!.AsObject();
        Assert.Null(worker["ports"]);
        Assert.Null(worker["container_name"]);
        Assert.Null(worker["hostname"]);

        // One shared data volume at the same path on every node.
        foreach (var name in new[] { "seed", "worker", "client" })
            Assert.Contains("shared:/shared", services[name]!["volumes"]!.AsArray().Select(v => (string)v!));
    }

    [SkippableFact]
    public async Task Should_copy_into_the_image_only_files_that_exist()
    {
        var dockerfile = await File.ReadAllLinesAsync(Path.Combine(DockerDir, "Dockerfile"));
        var copies = dockerfile.Where(l => l.StartsWith("COPY ") && !l.Contains("--from=")).ToList();

        Assert.NotEmpty(copies);
        foreach (var copy in copies)
        {
            var words = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(w => !w.StartsWith("--")).ToArray();
            foreach (var source in words[..^1])
                Assert.True(Path.Exists(Path.Combine(ActorClusterProgram.RepoRoot, source)), $"{copy}: {source} is missing");
        }
        Assert.Contains(dockerfile, l => l.StartsWith("HEALTHCHECK ") && l.Contains("\"actorcluster\", \"health\""));
        Assert.Contains(dockerfile, l => l.StartsWith("USER $APP_UID"));
        Assert.Contains("src/ActorCluster.Bench/", await File.ReadAllLinesAsync(Path.Combine(DockerDir, "Dockerfile.dockerignore")));
    }

    /// <summary>
    /// The Dockerfile's `dotnet restore` and `dotnet publish`, word for word but for the output directory (/app here is a
    /// temporary one). Slow: ReadyToRun compiles every assembly.
    /// </summary>
    [SkippableFact]
    public async Task Should_publish_a_ReadyToRun_actorcluster_without_the_bench_with_the_dockerfiles_commands()
    {
        var dockerfile = await File.ReadAllLinesAsync(Path.Combine(DockerDir, "Dockerfile"));
        var restore = dockerfile.Single(l => l.StartsWith("RUN dotnet restore "))["RUN ".Length..];
        var publish = dockerfile.Single(l => l.StartsWith("RUN dotnet publish "))["RUN ".Length..];
        Assert.Contains("-p:PublishReadyToRun=true", publish);
        Assert.Contains("-r linux-x64", publish);
        Skip.IfNot(OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64,
            "the image is linux-x64");
        var app = Directory.CreateTempSubdirectory("actorcluster-image-app-").FullName;
        try
        {
            foreach (var command in new[] { restore, publish.Replace("-o /app", $"-o {app}") })
            {
                var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = ActorClusterProgram.RepoRoot };
                info.ArgumentList.Add("-c");
                info.ArgumentList.Add(command + " -nologo -v q");
                var run = await ActorClusterProgram.RunAsync(info, TimeSpan.FromMinutes(15));
                Assert.True(run.ExitCode == 0, $"{command}\n{run}");
            }

            var version = await ActorClusterProgram.RunAsync(new ProcessStartInfo(Path.Combine(app, "actorcluster"), "--version")
                { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true }, TimeSpan.FromSeconds(30));
            Assert.True(version.ExitCode == 0, version.ToString());
            Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout);
            Assert.False(File.Exists(Path.Combine(app, "actorcluster-bench.dll")), "the bench ships in the image");
            Assert.True(File.Exists(Path.Combine(app, "cluster-config", "node.hocon")));
            foreach (var dll in new[] { "actorcluster.dll", "ActorCluster.Node.dll", "Akka.dll", "Akka.Remote.dll" })
                Assert.True(IsReadyToRun(Path.Combine(app, dll)), $"{dll} is not ReadyToRun");
        }
        finally
        {
            Directory.Delete(app, recursive: true);
        }
    }

    /// <summary>The seed's and a worker's command lines and environment as compose gives them, on loopback.</summary>
    [SkippableFact]
    public async Task Should_reach_node_up_and_be_healthy_when_the_entrypoints_run_with_the_composes_environment()
    {
        Skip.If(OperatingSystem.IsWindows(), "the entrypoints are POSIX shell");
        var compose = await ComposeAsync();
        var services = compose["services"]!.AsObject();
        var root = Directory.CreateTempSubdirectory("actorcluster-compose-").FullName;
        var nodes = new List<NodeProcess>();
        try
        {
            // `actorcluster` on PATH, as in the image.
            var bin = Directory.CreateDirectory(Path.Combine(root, "bin")).FullName;
            var shim = Path.Combine(bin, "actorcluster");
            await File.WriteAllTextAsync(shim, $"#!/bin/sh\nexec dotnet '{ActorClusterProgram.Dll}' \"$@\"\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var path = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";

            // The certs service, as compose runs it: its entrypoint with the CA and certs volumes.
            var certs = Path.Combine(root, "certs");
            var init = ActorClusterProgram.StartInfo(ActorClusterProgram.Dll, []);
            init.FileName = Path.Combine(DockerDir, "init-certs.sh");
            init.ArgumentList.Clear();
            init.Environment["PATH"] = path;
            init.Environment["ACTORCLUSTER_CA_DIR"] = Path.Combine(root, "ca");
            init.Environment["ACTORCLUSTER_CERTS_DIR"] = certs;
            var made = await ActorClusterProgram.RunAsync(init, TimeSpan.FromSeconds(60));
            Assert.True(made.ExitCode == 0, made.ToString());

            var seedPort = LocalCluster.FreePort();
            var seed = Start("seed", services["seed"]!.AsObject(), seedPort, seedPort, root, certs, path, nodes);
            var seedUp = await seed.Node.WaitUpAsync(StartTimeout);
            // Bound to 0.0.0.0 (CLUSTER_IP) but advertising --public-host, over TLS: a node so exposed starts with nothing else.
            Assert.Equal($"akka.ssl.tcp://actorcluster@127.0.0.1:{seedPort}", seedUp);
            Assert.DoesNotContain("warning:", seed.Node.Log);

            var worker = Start("worker", services["worker"]!.AsObject(), LocalCluster.FreePort(), seedPort, root, certs, path, nodes);
            await worker.Node.WaitUpAsync(StartTimeout);

            foreach (var (node, adminPort) in new[] { seed, worker })
            {
                var health = await ActorClusterProgram.RunAsync(TimeSpan.FromSeconds(30), "health", "--admin-port", adminPort.ToString());
                Assert.True(health.ExitCode == 0, $"{node.Name}: {health}");
                Assert.Contains("| up |", health.Stdout);
            }
            output.WriteLine(seed.Node.Log);
        }
        finally
        {
            foreach (var node in nodes) node.Dispose();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// One service's entrypoint + command with its environment, on loopback: the host name `seed` becomes 127.0.0.1 (no
    /// compose DNS here), the container's paths (/certs, /data) temporary directories, ports free ones, PostgreSQL
    /// (not running here) the SQLite store; everything else as the compose file says, CLUSTER_IP=0.0.0.0 too.
    /// </summary>
    private static (NodeProcess Node, int AdminPort) Start(string name, JsonObject service, int port, int seedPort, string root, string certs, string path,
        List<NodeProcess> started)
    {
        var entrypoint = service["entrypoint"]?.AsArray().Select(e => (string)e!).ToList() ?? ["actorcluster"]; // the image's ENTRYPOINT
        var data = Directory.CreateDirectory(Path.Combine(root, name, "data")).FullName;
        var command = service["command"]!.AsArray().Select(c => Localize((string)c!.ToString().Replace("$$", "$"), certs, data, seedPort)).ToList();
        var adminPort = LocalCluster.FreePort();
        // The admin port is the only flag added: 9110, the default, may be taken on a machine that runs other tests.
        if (entrypoint is ["actorcluster"]) command.AddRange(["--admin-port", adminPort.ToString()]);
        else command[^1] += $" --admin-port {adminPort}";
        var info = ActorClusterProgram.StartInfo(ActorClusterProgram.Dll, []);
        info.FileName = entrypoint[0] == "actorcluster" ? Path.Combine(root, "bin", "actorcluster") : entrypoint[0];
        info.ArgumentList.Clear();
        foreach (var a in entrypoint.Skip(1).Concat(command)) info.ArgumentList.Add(a);
        foreach (var (key, value) in service["environment"]!.AsObject())
            info.Environment[key] = Localize((string)value!, certs, data, seedPort);
        info.Environment["CLUSTER_PORT"] = port.ToString();
        info.Environment["ACTORCLUSTER_DB"] = $"sqlite:{Path.Combine(data, "actorcluster.db")}";
        info.Environment["HOSTNAME"] = "127.0.0.1"; // Docker sets it to the container's name, which its DNS resolves
        info.Environment["PATH"] = path;
        var node = NodeProcess.Start(name, info);
        started.Add(node);
        return (node, adminPort);
    }

    private static string Localize(string value, string certs, string data, int seedPort) =>
        SeedAddress().Replace(value.Replace("/certs/", certs + "/").Replace("/data", data), $"127.0.0.1:{seedPort}")
            .Replace("\"seed\"", "\"127.0.0.1\"") is var v && v == "seed" ? "127.0.0.1" : v;

    private static bool IsReadyToRun(string dll)
    {
        using var pe = new PEReader(File.OpenRead(dll));
        return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }

    [GeneratedRegex(@"\bseed:4053\b")]
    private static partial Regex SeedAddress();
}
