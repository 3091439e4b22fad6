using System.Net.Sockets;
using ActorCluster.Admin.Protocol;

namespace ActorCluster.Admin.Client;

public enum AdminFailure
{
    /// <summary>No TCP connection (nothing listening, host down, bad address).</summary>
    Unreachable,
    /// <summary>The host refused us (wrong token, too many connections, protocol version).</summary>
    Rejected,
    /// <summary>No answer in time.</summary>
    Timeout,
    /// <summary>The connection broke or the host sent something we do not understand.</summary>
    Protocol,
}

public sealed class AdminClientException(AdminFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public AdminFailure Failure { get; } = failure;
}

/// <summary>How a command ended: ok, or the host's one-line error.</summary>
public sealed record CommandOutcome(bool Ok, string? Error, bool Cancelled = false);

/// <summary>One connection to a command host: handshake on connect, then commands one after another.</summary>
public sealed class AdminClient : IAsyncDisposable
{
    // The host is trusted more than its clients, but a broken one must not make us allocate gigabytes.
    private const int MaxReplyFrameBytes = 16 * 1024 * 1024;

    private readonly TcpClient _client;
    private readonly Stream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private long _nextId;

    private AdminClient(TcpClient client, Stream stream, WireFrame welcome, string endpoint)
    {
        _client = client;
        _stream = stream;
        Node = welcome.Node ?? "";
        Palettes = welcome.Palettes ?? [];
        Endpoint = endpoint;
    }

    public string Endpoint { get; }
    public string Node { get; }
    public IReadOnlyList<PaletteInfo> Palettes { get; }

    /// <summary>
    /// Set once the connection lost its footing (closed, garbled, or a command timed out and may still be
    /// running on the host); a prompt then reconnects instead of reusing it.
    /// </summary>
    public bool IsBroken { get; private set; }

    /// <param name="tls">TLS to a host bound off loopback: checks its certificate against the cluster CA.</param>
    /// <remarks>
    /// A host flooded by connections that never authenticate pushes out the oldest unanswered ones to make room, and
    /// ours may be among them before the host has read its hello: it then says so (an error frame with retry), and we
    /// dial again after a short random pause until <paramref name="timeout"/>. Every other answer or hang-up is final.
    /// </remarks>
    public static async Task<AdminClient> ConnectAsync(string host, int port, string? token, TimeSpan timeout, CancellationToken ct = default,
        AdminTls? tls = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        PushedOutException? pushedOut = null;
        while (true)
        {
            try
            {
                return await ConnectOnceAsync(host, port, token, timeout, tls, ct, deadline.Token).ConfigureAwait(false);
            }
            catch (PushedOutException e)
            {
                pushedOut = e;
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 120)), deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw StillBusy(e, timeout);
                }
            }
            catch (AdminClientException e) when (e.Failure == AdminFailure.Timeout && pushedOut is not null)
            {
                // The time ran out on a try after a push-out: the host's words say more than "no answer".
                throw StillBusy(pushedOut, timeout);
            }
        }
    }

    private static AdminClientException StillBusy(PushedOutException pushedOut, TimeSpan timeout) =>
        new(AdminFailure.Rejected, $"{pushedOut.Failure.Message} (still so after {timeout.TotalSeconds:0}s)", pushedOut.Failure);

    /// <summary>The host made room for others and asked us to try again: worth one more try while time remains.</summary>
    private sealed class PushedOutException(AdminClientException failure) : Exception(failure.Message, failure)
    {
        public AdminClientException Failure { get; } = failure;
    }

    private static async Task<AdminClient> ConnectOnceAsync(string host, int port, string? token, TimeSpan timeout, AdminTls? tls,
        CancellationToken ct, CancellationToken deadlineToken)
    {
        var endpoint = $"{host}:{port}";
        var client = new TcpClient { NoDelay = true };
        try
        {
            try
            {
                await client.ConnectAsync(host, port, deadlineToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new AdminClientException(AdminFailure.Timeout, $"no connection to {endpoint} within {timeout.TotalSeconds:0}s");
            }
            catch (SocketException e)
            {
                throw new AdminClientException(AdminFailure.Unreachable, $"cannot reach {endpoint}: {e.Message}", e);
            }

            Stream stream = client.GetStream();
            if (tls is not null)
            {
                try
                {
                    stream = await tls.ConnectAsync(stream, host, deadlineToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new AdminClientException(AdminFailure.Timeout, $"{endpoint}: no TLS handshake within {timeout.TotalSeconds:0}s");
                }
                catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
                {
                    throw new AdminClientException(AdminFailure.Rejected,
                        $"{endpoint}: TLS handshake failed: {e.Message.ReplaceLineEndings(" ")} (is its admin host on TLS, and signed by this --tls-ca?)", e);
                }
            }
            WireFrame? welcome;
            try
            {
                await WireProtocol.WriteAsync(stream, WireFrame.Hello(token, "pbm"), deadlineToken).ConfigureAwait(false);
                welcome = await WireProtocol.ReadAsync(stream, MaxReplyFrameBytes, deadlineToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new AdminClientException(AdminFailure.Timeout, $"{endpoint} did not answer within {timeout.TotalSeconds:0}s");
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                throw new AdminClientException(AdminFailure.Protocol, $"{endpoint} closed the connection during the handshake", e);
            }
            catch (ProtocolException e)
            {
                throw new AdminClientException(AdminFailure.Protocol, $"{endpoint} sent a malformed answer to the handshake: {e.Message}", e);
            }
            switch (welcome?.Type)
            {
                case FrameTypes.Welcome:
                    return new AdminClient(client, stream, welcome, endpoint);
                case FrameTypes.Error when welcome.Retry == true:
                    throw new PushedOutException(new AdminClientException(AdminFailure.Rejected, $"{endpoint}: {welcome.Message}"));
                case FrameTypes.Error:
                    throw new AdminClientException(AdminFailure.Rejected, $"{endpoint}: {welcome.Message}");
                case null:
                    throw new AdminClientException(AdminFailure.Rejected, $"{endpoint} closed the connection during the handshake");
                default:
                    throw new AdminClientException(AdminFailure.Protocol, $"{endpoint} answered the handshake with '{welcome.Type}'");
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs one command, handing each output line to <paramref name="onLine"/>. Cancelling <paramref name="ct"/>
    /// asks the host to stop (how a streaming command ends) and still waits, briefly, for its end frame.
    /// </summary>
    public async Task<CommandOutcome> RunAsync(string palette, string command, IReadOnlyList<string> args, Action<string> onLine,
        TimeSpan? timeout, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var id = Interlocked.Increment(ref _nextId);
        using var deadline = new CancellationTokenSource();
        if (timeout is { } t) deadline.CancelAfter(t);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var cancelSent = false;
        using var registration = ct.Register(() =>
        {
            cancelSent = true;
            _ = SendCancelAsync(id);
        });
        try
        {
            await WriteAsync(WireFrame.Request(id, palette, command, args), linked.Token).ConfigureAwait(false);
            using var afterCancel = new CancellationTokenSource();
            var graceStarted = false;
            while (true)
            {
                if (cancelSent && !graceStarted)
                {
                    // The host gets a moment to send its end frame; a host that never does cannot hold us.
                    graceStarted = true;
                    afterCancel.CancelAfter(TimeSpan.FromSeconds(5));
                }
                using var read = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, afterCancel.Token);
                var frame = await WireProtocol.ReadAsync(_stream, MaxReplyFrameBytes, read.Token).ConfigureAwait(false);
                switch (frame?.Type)
                {
                    case null:
                        IsBroken = true;
                        throw new AdminClientException(AdminFailure.Protocol, $"{Endpoint} closed the connection");
                    case FrameTypes.Line when frame.Id == id:
                        onLine(frame.Text ?? "");
                        break;
                    case FrameTypes.End when frame.Id == id:
                        return new CommandOutcome(frame.Ok == true, frame.Message, cancelSent);
                    case FrameTypes.Error:
                        IsBroken = true;
                        throw new AdminClientException(AdminFailure.Protocol, $"{Endpoint}: {frame.Message}");
                    default:
                        break; // stale frames of an earlier, abandoned command
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            IsBroken = true;
            throw new AdminClientException(AdminFailure.Timeout, $"{palette} {command}: no answer from {Endpoint} within {timeout!.Value.TotalSeconds:0}s");
        }
        catch (OperationCanceledException) when (cancelSent)
        {
            IsBroken = true;
            return new CommandOutcome(true, null, Cancelled: true);
        }
        catch (Exception e) when (e is IOException or SocketException or ProtocolException)
        {
            IsBroken = true;
            throw new AdminClientException(AdminFailure.Protocol, $"lost the connection to {Endpoint}: {e.Message}", e);
        }
    }

    private async Task SendCancelAsync(long id)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await WriteAsync(WireFrame.CancelRequest(id), cts.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // If even the cancel cannot be sent, the read side ends the command on its own.
        }
    }

    private async Task WriteAsync(WireFrame frame, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try { await WireProtocol.WriteAsync(_stream, frame, ct).ConfigureAwait(false); }
        finally { _writeLock.Release(); }
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
