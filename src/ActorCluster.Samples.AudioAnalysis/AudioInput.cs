namespace ActorCluster.Samples.AudioAnalysis;

/// <summary>One file of the manifest as it was when the job started.</summary>
public sealed record AudioInput(string Path, long Size, long ModifiedUnixMs);
