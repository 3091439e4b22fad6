namespace ActorCluster.Workloads.Csv;

/// <summary>A row left out of the groups: its first line in the file, why, and the start of its text.</summary>
internal sealed record CsvMalformedRow(long Line, string Reason, string Text);
