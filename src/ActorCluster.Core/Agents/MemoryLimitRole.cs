namespace ActorCluster.Core.Agents;

/// <summary>
/// How a worker node tells the cluster the memory limit it checks each job's items against (<see cref="NodeBounds"/>):
/// one cluster role, <c>memory-limit.BYTES</c>, as it tells its workloads (<see cref="Jobs.WorkloadRoles"/>). The limit is
/// fixed when the node starts, and roles travel with membership, so a coordinator knows which nodes will refuse a job
/// without asking them.
/// </summary>
public static class MemoryLimitRole
{
    public const string Prefix = "memory-limit.";

    public static string ToRole(long limitBytes) => $"{Prefix}{limitBytes}";

    public static bool IsMemoryLimitRole(string role) => role.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The limit a member's roles advertise; null when none does (no limit known, or a node from before the role).</summary>
    public static long? Parse(IEnumerable<string> roles)
    {
        foreach (var role in roles)
            if (IsMemoryLimitRole(role) && long.TryParse(role.AsSpan(Prefix.Length), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var bytes) && bytes > 0)
                return bytes;
        return null;
    }
}
