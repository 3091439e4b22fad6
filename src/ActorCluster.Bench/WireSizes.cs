using ActorCluster.Protocol;
using ActorCluster.Protocol.Serialization;

namespace ActorCluster.Bench;

/// <summary>
/// Payload bytes of the hot-path messages as <see cref="ActorClusterSerializer"/> writes them, for a
/// typical job id and batch. Akka.Remote adds its envelope (recipient and sender paths, serializer id,
/// manifest, frame length) on top; the hand-out scenario measures the total on the coordinator's sockets.
/// </summary>
public static class WireSizes
{
    public static IReadOnlyList<(string Message, int Bytes)> Payloads()
    {
        var serializer = new ActorClusterSerializer(null!);
        const string jobId = "j-20260101-120000-3fa9c1";
        object[] messages =
        [
            new RequestWork(jobId, 4, 2, false),
            new WorkBatches(jobId, [new BatchAssignment(123_456, 9_876_543_210, 75_000)]),
            new BatchesCompleted(jobId, [new CompletedBatch(123_456, 9_876_543_210, 75_000, 150_000, new byte[16])], 1, 2),
            // Eight batches in one message, as under load: what one more batch adds to a message.
            new WorkBatches(jobId, Enumerable.Range(0, 8).Select(i => new BatchAssignment(123_456 + i, 9_876_543_210 + i * 75_000L, 75_000)).ToArray()),
            new BatchesCompleted(jobId, Enumerable.Range(0, 8).Select(i => new CompletedBatch(123_456 + i, 9_876_543_210 + i * 75_000L, 75_000, 150_000, new byte[16])).ToArray(), 8, 2),
        ];
        return messages.Select(m => (Name(m), serializer.ToBinary(m).Length + serializer.Manifest(m).Length)).ToList();
    }

    private static string Name(object message) => message switch
    {
        WorkBatches { Batches.Count: > 1 } w => $"{nameof(WorkBatches)}x{w.Batches.Count}",
        BatchesCompleted { Batches.Count: > 1 } c => $"{nameof(BatchesCompleted)}x{c.Batches.Count}",
        _ => message.GetType().Name,
    };
}
