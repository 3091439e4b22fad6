namespace ActorCluster.Core.Jobs;

/// <summary>
/// How a worker node tells the cluster which workloads it runs: one cluster role per workload,
/// <c>workload.NAME.VERSION</c> (Akka.Hosting writes roles into HOCON unquoted, so only letters, digits, '-', '_' and
/// '.' are safe; a version never holds a '.'). Roles travel with membership, so every node sees a worker's workloads the
/// moment it sees the worker up, with no message of their own and no window in which a new node's list is unknown.
/// </summary>
public static class WorkloadRoles
{
    public const string Prefix = "workload.";

    public static string ToRole(WorkloadId id) => $"{Prefix}{id.Name}.{id.Version}";

    /// <summary>A name or version that fits in a role: 1 to 64 letters, digits, '-', '_' or (names only) '.'.</summary>
    public static bool IsValidName(string name) => IsValid(name, allowDot: true);

    public static bool IsValidVersion(string version) => IsValid(version, allowDot: false);

    public static bool IsWorkloadRole(string role) => role.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The workloads a member's roles advertise; other roles and malformed ones are ignored.</summary>
    public static IReadOnlySet<WorkloadId> Parse(IEnumerable<string> roles)
    {
        var ids = new HashSet<WorkloadId>();
        foreach (var role in roles)
        {
            if (!IsWorkloadRole(role)) continue;
            var body = role.AsSpan(Prefix.Length);
            var at = body.LastIndexOf('.');
            if (at <= 0 || at == body.Length - 1) continue;
            ids.Add(new WorkloadId(body[..at].ToString(), body[(at + 1)..].ToString()));
        }
        return ids;
    }

    private static bool IsValid(string text, bool allowDot) =>
        text.Length is > 0 and <= 64 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (allowDot && c == '.'));
}
