using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorCluster.Abstractions;
using ActorCluster.Admin.CommandLine;
using ActorCluster.Core.Profiling;

namespace ActorCluster.Cli;

/// <summary>
/// <c>actorcluster profile</c>: what the resource profiler sees on this machine, what every policy would
/// plan, which setting won (flag, environment, config file or detection) and why. Resolves settings
/// exactly as <c>actorcluster node</c> does, so what it prints is what a node started here would run.
/// </summary>
public static class ProfileCommand
{
    private const long Mb = 1024 * 1024;

    public static Command Create()
    {
        var json = CliOption.Flag("--json", "machine-readable output");
        var config = NodeCommand.ConfigOption("extra HOCON, as for `actorcluster node`");
        var memoryPerItemMb = CliOption.Int("--memory-per-item-mb", "N", "memory one item needs, for memory-aware and io-bound plans (default 64)", 0, 1 << 20);
        var itemMb = CliOption.Int("--item-mb", "N", "average item size for io-bound plans (default 1)", 0, 1 << 24);
        var profiler = ProfilerSetup.CreateOptions();
        var command = new Command("profile", "what the resource profiler sees here and the worker plan each policy gives")
        {
            json, config, memoryPerItemMb, itemMb,
        };
        foreach (var option in profiler) command.Add(option);
        command.SetAction(parsed => Run(ProfilerSetup.Given(parsed, profiler), parsed.GetValue(config),
            (parsed.GetValue(memoryPerItemMb) ?? 64) * Mb, (parsed.GetValue(itemMb) ?? 1) * Mb, parsed.GetValue(json)));
        return command.WithEpilogue(
            "prints the resource snapshot (cores, affinity, cgroup quota, memory, cgroup limit, RSS, GC), every policy's plan,\n" +
            "the plan a node would use for each workload kind, and which setting won\n" + ProfilerSetup.Precedence);
    }

    private static int Run(IReadOnlyDictionary<string, string> flags, string? config, long memoryPerItem, long itemBytes, bool json)
    {
        var resolved = ProfilerSetup.Resolve(flags, "profile", ProfilerSetup.LoadConfigFile(config ?? NodeCommand.ConfigFromEnv("profile"), "profile"), new ResourceDetector());
        var snapshot = resolved.Snapshot;
        var settings = resolved.Settings;
        var policies = ProfilerPolicies.Concrete
            .Select(p => WorkerPolicies.Plan(p, snapshot, Natural(p, memoryPerItem, itemBytes), settings.IoLimit.Value))
            .ToList();
        var kinds = new[] { WorkloadKind.CpuBound, WorkloadKind.IoBound, WorkloadKind.MemoryHeavy }
            .Select(k => (Kind: k, Plan: resolved.Planner.PlanFor(snapshot, Profile(k, memoryPerItem, itemBytes))))
            .ToList();

        if (json)
            Console.WriteLine(Json(snapshot, settings, policies, kinds).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        else
            PrintText(snapshot, settings, policies, kinds, resolved.Planner);
        return 0;
    }

    /// <summary>The workload each policy is meant for, so every row of the table is a plan that makes sense.</summary>
    private static WorkloadTraits Natural(ProfilerPolicy policy, long memoryPerItem, long itemBytes) => policy switch
    {
        ProfilerPolicy.IoBound => Profile(WorkloadKind.IoBound, memoryPerItem, itemBytes),
        ProfilerPolicy.MemoryAware => Profile(WorkloadKind.MemoryHeavy, memoryPerItem, itemBytes),
        _ => WorkloadTraits.CpuBound,
    };

    private static WorkloadTraits Profile(WorkloadKind kind, long memoryPerItem, long itemBytes) => kind switch
    {
        WorkloadKind.IoBound => new WorkloadTraits(kind) { AverageItemBytes = itemBytes },
        WorkloadKind.MemoryHeavy => new WorkloadTraits(kind, memoryPerItem),
        _ => WorkloadTraits.CpuBound,
    };

    private static string KindName(WorkloadKind kind) => kind switch
    {
        WorkloadKind.IoBound => "io-bound",
        WorkloadKind.MemoryHeavy => "memory-heavy",
        _ => "cpu-bound",
    };

    private static void PrintText(ResourceSnapshot s, ProfilerSettings settings, List<WorkerPlan> policies,
        List<(WorkloadKind Kind, WorkerPlan Plan)> kinds, NodePlanner planner)
    {
        Console.WriteLine("snapshot");
        Console.WriteLine($"  cpu      {s.DescribeCores()}");
        Console.WriteLine($"  memory   {s.DescribeMemory()}");
        Console.WriteLine($"  process  RSS {ResourceSnapshot.Mb(s.ProcessRssBytes)}, GC heap {ResourceSnapshot.Mb(s.GcHeapBytes)}, " +
                          $"GC limit {ResourceSnapshot.Mb(s.GcTotalAvailableBytes)}, load average {s.LoadAverage?.ToString("0.00") ?? "n/a"}");
        Console.WriteLine();
        Console.WriteLine("settings (command-line flag > environment variable > config file > auto-detected)");
        foreach (var (name, value, describe) in Rows(settings))
            Console.WriteLine($"  {name,-16} {value,-10} {describe}");
        Console.WriteLine();
        Console.WriteLine("policies on this machine (* = in effect for some workload kind)");
        var inEffect = kinds.Select(k => planner.PolicyFor(new WorkloadTraits(k.Kind))).ToHashSet();
        foreach (var plan in policies)
        {
            var mark = ProfilerPolicies.TryParse(plan.Policy, out var p) && inEffect.Contains(p) ? "*" : " ";
            var chunk = plan.ChunkSize is { } c ? $", chunk {c:N0}" : "";
            Console.WriteLine($"  {mark} {plan.Policy,-15} {plan.PoolSize,3} workers{chunk}  {plan.Reason}");
        }
        Console.WriteLine();
        Console.WriteLine("a node started here runs");
        foreach (var (kind, plan) in kinds)
            Console.WriteLine($"  {KindName(kind),-13} jobs: {plan.PoolSize} workers ({plan.Policy}), memory budget {ResourceSnapshot.Mb(plan.MemoryBudgetPerWorkerBytes)}/worker — {plan.Reason}");
    }

    private static IEnumerable<(string Name, string Value, string Describe)> Rows(ProfilerSettings s) =>
    [
        ("policy", s.Policy.Value.Name(), s.Policy.Describe()),
        ("workers", s.Workers.Value?.ToString() ?? "(policy)", s.Workers.Describe()),
        ("chunk-size", s.ChunkSize.Value?.ToString() ?? "(policy)", s.ChunkSize.Describe()),
        ("memory-limit-mb", s.MemoryLimitMb.Value?.ToString() ?? "(none)", s.MemoryLimitMb.Describe()),
        ("io-limit", s.IoLimit.Value.ToString(), s.IoLimit.Describe()),
    ];

    private static JsonObject Json(ResourceSnapshot s, ProfilerSettings settings, List<WorkerPlan> policies, List<(WorkloadKind Kind, WorkerPlan Plan)> kinds)
    {
        var settingsJson = new JsonObject();
        foreach (var (name, value, _) in Rows(settings))
        {
            var setting = name switch
            {
                "policy" => (Source: settings.Policy.Source, settings.Policy.Origin, settings.Policy.Shadowed),
                "workers" => (settings.Workers.Source, settings.Workers.Origin, settings.Workers.Shadowed),
                "chunk-size" => (settings.ChunkSize.Source, settings.ChunkSize.Origin, settings.ChunkSize.Shadowed),
                "memory-limit-mb" => (settings.MemoryLimitMb.Source, settings.MemoryLimitMb.Origin, settings.MemoryLimitMb.Shadowed),
                _ => (settings.IoLimit.Source, settings.IoLimit.Origin, settings.IoLimit.Shadowed),
            };
            settingsJson[name] = new JsonObject
            {
                ["value"] = value,
                ["source"] = Sources.Describe(setting.Source),
                ["origin"] = setting.Origin,
                ["shadowed"] = new JsonArray(setting.Shadowed.Select(x => (JsonNode?)x).ToArray()),
            };
        }
        var kindsJson = new JsonObject();
        foreach (var (kind, plan) in kinds)
            kindsJson[KindName(kind)] = PlanJson(plan);
        return new JsonObject
        {
            ["snapshot"] = new JsonObject
            {
                ["logicalCores"] = s.LogicalCores,
                ["affinityCores"] = s.AffinityCores,
                ["cpuQuotaCores"] = s.CpuQuotaCores,
                ["effectiveCores"] = s.EffectiveCores,
                ["totalMemoryMb"] = s.TotalMemoryBytes / Mb,
                ["availableMemoryMb"] = s.AvailableMemoryBytes / Mb,
                ["cgroupMemoryLimitMb"] = s.CgroupMemoryLimitBytes / Mb,
                ["cgroupMemoryUsageMb"] = s.CgroupMemoryUsageBytes / Mb,
                ["nodeMemoryLimitMb"] = s.UserMemoryLimitBytes / Mb,
                ["processRssMb"] = s.ProcessRssBytes / Mb,
                ["gcHeapMb"] = s.GcHeapBytes / Mb,
                ["gcTotalAvailableMb"] = s.GcTotalAvailableBytes / Mb,
                ["memoryUsed"] = Math.Round(s.MemoryUse.Fraction, 3),
                ["memoryUsedOf"] = s.MemoryUse.Source,
                ["loadAverage"] = s.LoadAverage,
            },
            ["settings"] = settingsJson,
            ["policies"] = new JsonArray(policies.Select(p => (JsonNode?)PlanJson(p)).ToArray()),
            ["byKind"] = kindsJson,
        };
    }

    private static JsonObject PlanJson(WorkerPlan plan) => new()
    {
        ["policy"] = plan.Policy,
        ["workers"] = plan.PoolSize,
        ["chunkSize"] = plan.ChunkSize,
        ["memoryBudgetPerWorkerMb"] = plan.MemoryBudgetPerWorkerBytes / Mb,
        ["reason"] = plan.Reason,
    };
}
