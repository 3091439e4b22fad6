using ActorCluster.Node.Protocol;
using ActorCluster.Node.Serialization;

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
            new WorkBatch(jobId, 123_456, 9_876_543_210, 75_000),
            new BatchCompleted(jobId, 123_456, 9_876_543_210, 75_000, 150_000, new byte[16]),
        ];
        return messages.Select(m => (m.GetType().Name, serializer.ToBinary(m).Length + serializer.Manifest(m).Length)).ToList();
    }
}
