namespace ActorCluster.Workloads.Csv;

/// <summary>A column the job reads: its 0-based index in a row and the name the result uses for it.</summary>
internal readonly record struct CsvColumn(int Index, string Label);
