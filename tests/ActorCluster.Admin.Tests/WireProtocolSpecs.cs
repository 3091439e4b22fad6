using System.Buffers.Binary;
using System.Text;
using ActorCluster.Admin.Protocol;

namespace ActorCluster.Admin.Tests;

public sealed class WireProtocolSpecs
{
    [Fact]
    public async Task Should_round_trip_a_request_frame()
    {
        var stream = new MemoryStream();
        await WireProtocol.WriteAsync(stream, WireFrame.Request(7, "cluster", "join", ["-a", "akka.tcp://x@h:1"]), default);
        stream.Position = 0;

        var frame = await WireProtocol.ReadAsync(stream, 1024, default);

        Assert.Equal(FrameTypes.Request, frame!.Type);
        Assert.Equal(7, frame.Id);
        Assert.Equal(["-a", "akka.tcp://x@h:1"], frame.Args!);
    }

    [Fact]
    public async Task Should_write_a_big_endian_length_prefix_and_omit_unused_fields()
    {
        var bytes = WireProtocol.Encode(WireFrame.CancelRequest(3));
        var json = Encoding.UTF8.GetString(bytes, 4, bytes.Length - 4);

        Assert.Equal(bytes.Length - 4, BinaryPrimitives.ReadInt32BigEndian(bytes));
        Assert.Equal("""{"type":"cancel","id":3}""", json);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Should_reject_an_oversized_length_before_reading_the_payload()
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, 10 * 1024 * 1024);
        var stream = new MemoryStream(header); // no payload at all: the reader must not wait for it

        var error = await Assert.ThrowsAsync<ProtocolException>(() => WireProtocol.ReadAsync(stream, 1024, default));

        Assert.Contains("exceeds", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0 })]                      // truncated header
    [InlineData(new byte[] { 0, 0, 0, 10, (byte)'{' })]   // truncated payload
    [InlineData(new byte[] { 0, 0, 0, 0 })]               // zero length
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff })]   // negative length
    [InlineData(new byte[] { 0, 0, 0, 3, (byte)'a', (byte)'b', (byte)'c' })] // not JSON
    [InlineData(new byte[] { 0, 0, 0, 2, (byte)'{', (byte)'}' })]           // no type
    [InlineData(new byte[] { 0, 0, 0, 2, (byte)'[', (byte)']' })]           // not an object
    public async Task Should_report_malformed_frames_as_protocol_errors(byte[] bytes)
    {
        await Assert.ThrowsAsync<ProtocolException>(() => WireProtocol.ReadAsync(new MemoryStream(bytes), 1024, default));
    }

    [Fact]
    public async Task Should_read_null_at_a_clean_end_of_stream()
    {
        Assert.Null(await WireProtocol.ReadAsync(new MemoryStream(), 1024, default));
    }
}
