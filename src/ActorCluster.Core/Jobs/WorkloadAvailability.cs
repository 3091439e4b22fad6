using ActorCluster.Core.Agents;
using ActorCluster.Core.Profiling;

namespace ActorCluster.Core.Jobs;

/// <summary>
/// Whether a submitted job can run anywhere: some worker node that is up must run its workload, in the
/// version the job will record, and take its items' memory. Answers the one-line reason to refuse the submission, naming
/// the workload, or to fail a started job that every node would refuse, naming the figures.
/// </summary>
public static class WorkloadAvailability
{
    /// <param name="wanted">The workload and the version this node would record for the job.</param>
    /// <param name="optIn">How a node is made to run it, when nodes run it only on request (exec); null otherwise.</param>
    /// <param name="upWorkers">What each reachable worker node that is up runs.</param>
    /// <returns>Null when a node runs it, or when no worker node is up yet (the job waits for one, as any job does).</returns>
    public static string? Refusal(WorkloadId wanted, string? optIn, IReadOnlyCollection<IReadOnlySet<WorkloadId>> upWorkers)
    {
        if (upWorkers.Count == 0 || upWorkers.Any(w => w.Contains(wanted)))
            return null;
        var one = upWorkers.Count == 1;
        var otherVersions = upWorkers.SelectMany(w => w).Where(id => id.Name == wanted.Name).Select(id => id.ShortVersion)
            .Distinct().Order(StringComparer.Ordinal).ToList();
        if (otherVersions.Count > 0)
            return $"no worker node runs this copy of workload '{wanted.Name}' (version {wanted.ShortVersion}); " +
                   $"{(one ? "the worker node that is up has" : $"the {upWorkers.Count} worker nodes that are up have")} " +
                   $"version {string.Join(", ", otherVersions)}: install the same DLL on every node";
        var none = one ? "the worker node that is up does not" : $"none of the {upWorkers.Count} worker nodes that are up";
        return optIn is not null
            ? $"no worker node runs workload '{wanted.Name}': {none} {(one ? "allow" : "allows")} it ({optIn})"
            : $"no worker node runs workload '{wanted.Name}': {none} {(one ? "have" : "has")} it";
    }

    /// <summary>
    /// Why a started job cannot run on any worker node that is up: every one of them refuses items that each need
    /// <paramref name="requestPerItemBytes"/> (<see cref="NodeBounds.Admits"/>, the rule each node applies to itself).
    /// </summary>
    /// <param name="upWorkerLimits">The memory limit of each reachable worker node that is up and runs the job's workload; null = unknown.</param>
    /// <returns>
    /// Null when some node takes it, or when no worker node is up yet (the job waits for one, as any job does). Only the
    /// nodes up now are judged: a node that may join later with more memory is not waited for, so a job no node can take
    /// fails at once rather than running forever.
    /// </returns>
    public static string? MemoryRefusal(long requestPerItemBytes, IReadOnlyCollection<long?> upWorkerLimits)
    {
        if (upWorkerLimits.Count == 0 || upWorkerLimits.Any(limit => NodeBounds.Admits(limit, requestPerItemBytes)))
            return null;
        var largest = ResourceSnapshot.Mb(upWorkerLimits.Max(limit => limit!.Value));
        var nodes = upWorkerLimits.Count == 1
            ? $"the memory limit of the worker node that is up ({largest})"
            : $"the largest memory limit of the {upWorkerLimits.Count} worker nodes that are up ({largest})";
        return $"no worker node can run it: one item needs {ResourceSnapshot.Mb(requestPerItemBytes)}, more than {nodes}";
    }
}
