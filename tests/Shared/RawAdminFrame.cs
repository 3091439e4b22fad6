using System.Buffers.Binary;
using System.Text;

namespace ActorCluster.Tests.Shared;

/// <summary>
/// An admin-protocol frame built by hand (4-byte big-endian length, then the JSON), so specs can send any
/// JSON, valid or not, without the protocol's own encoder. Linked into the admin and integration tests.
/// </summary>
public static class RawAdminFrame
{
    public static byte[] From(string json)
    {
        var payload = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, payload.Length);
        payload.CopyTo(bytes, 4);
        return bytes;
    }
}
