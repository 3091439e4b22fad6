namespace ActorCluster.Core.Jobs;

/// <summary>Per-node accounting of a job, as it appears under <c>nodes</c> in report.json; <see cref="Profile"/> is the node's last <see cref="NodeJobUsage"/>.</summary>
public sealed record NodeTally(string Address, int Workers, long Batches, long Items, long BusyMs, NodeJobUsage? Profile = null);
