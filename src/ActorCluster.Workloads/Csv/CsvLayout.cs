namespace ActorCluster.Workloads.Csv;

/// <summary>
/// Where a CSV file's chunks are: chunk i is the bytes [Offsets[i], Offsets[i + 1]) and starts on line
/// Lines[i] (1-based, counting the newlines inside quoted fields too). <see cref="UnterminatedLine"/> is the
/// line of a row whose quote never closes (0: none); it follows the last chunk and belongs to no chunk.
/// </summary>
public sealed record CsvLayout(long[] Offsets, long[] Lines, long Rows, long FileLength, long UnterminatedLine)
{
    public int ChunkCount => Lines.Length;

    public long ChunkBytes(int chunk) => Offsets[chunk + 1] - Offsets[chunk];
}
