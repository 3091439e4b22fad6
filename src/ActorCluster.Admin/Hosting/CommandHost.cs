using ActorCluster.Core.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ActorCluster.Admin.Palettes;
using ActorCluster.Admin.Protocol;

namespace ActorCluster.Admin.Hosting;

/// <summary>
/// The pbm command host: a TCP listener speaking the protocol in PROTOCOL.md to any number of palettes.
/// It is part of a production node, so nothing a client sends may take it down: every connection is
/// bounded in frame size, time and count, and every exception ends at most that one connection.
/// </summary>
public sealed class CommandHost : IAsyncDisposable
{
    private readonly CommandHostOptions _options;
    private Action<string> _log;
    private string _nodeName;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Connection> _connections = new();
    private readonly AuthBackoff _backoff;
    private Dictionary<string, IPalette> _palettes = new(StringComparer.OrdinalIgnoreCase);
    private IReadOnlyList<PaletteInfo> _paletteInfos = [];
    private TcpListener? _listener;
    private Task? _acceptLoop;
    private long _nextConnection;
    private long _accepted;
    private long _refused;
    private long _protocolErrors;
    private long _authFailures;
    private long _tlsFailures;

    public CommandHost(CommandHostOptions options, Action<string>? log = null)
    {
        _options = options;
        _log = log ?? (_ => { });
        _nodeName = options.NodeName;
        _backoff = new AuthBackoff(options.AuthFailureDelay, options.MaxAuthFailureDelay, options.AuthFailureQuietPeriod);
    }

    public IPEndPoint? Endpoint { get; private set; }

    public long ConnectionsAccepted => Interlocked.Read(ref _accepted);
    public long ConnectionsRefused => Interlocked.Read(ref _refused);
    public long ProtocolErrors => Interlocked.Read(ref _protocolErrors);
    public long AuthenticationFailures => Interlocked.Read(ref _authFailures);
    public int OpenConnections => _connections.Count;

    /// <summary>Binds the port without serving yet, so a node can fail fast on a bad address before it joins a cluster.</summary>
    public IPEndPoint Bind()
    {
        if (_listener is not null) return Endpoint!;
        if (!string.IsNullOrEmpty(_options.Token) && _options.Token.Length < CommandHostOptions.MinTokenLength)
            throw new AdminHostException(
                $"admin token ({CommandHostOptions.TokenVariable}) has {_options.Token.Length} characters; use at least {CommandHostOptions.MinTokenLength}");
        var address = ResolveAddress(_options.Host);
        if (!IPAddress.IsLoopback(address) && string.IsNullOrEmpty(_options.Token))
            throw new AdminHostException(
                $"admin host on {_options.Host} is reachable from other machines; set {CommandHostOptions.TokenVariable} to a shared token or bind it to 127.0.0.1");
        // Loopback is no boundary between the users of one machine: a host without a token would let any of them in.
        if (string.IsNullOrEmpty(_options.Token))
            throw new AdminHostException($"admin host needs a token ({CommandHostOptions.TokenVariable}, or the one a node writes to {AdminTokenFile.Directory})");
        if (!IPAddress.IsLoopback(address) && _options.Tls is null && !_options.AllowPlaintext)
            throw new AdminHostException(
                $"admin host on {_options.Host} is reachable from other machines and has no TLS, so its token would cross the network in clear text; " +
                "give the node --tls-cert and --tls-ca, bind it to 127.0.0.1, or start with --insecure");
        var listener = new TcpListener(address, _options.Port);
        try
        {
            listener.Start(backlog: 128);
        }
        catch (SocketException e)
        {
            listener.Stop();
            var inUse = e.SocketErrorCode == SocketError.AddressAlreadyInUse;
            throw new AdminHostException(inUse
                ? $"admin port {_options.Host}:{_options.Port} is already in use"
                : $"admin host cannot bind {_options.Host}:{_options.Port}: {e.Message}", inUse, e);
        }
        _listener = listener;
        Endpoint = (IPEndPoint)listener.LocalEndpoint;
        return Endpoint;
    }

    /// <summary>Binds (if not yet bound) and starts answering with these palettes.</summary>
    /// <param name="nodeName">Overrides <see cref="CommandHostOptions.NodeName"/> when only known after binding.</param>
    public IPEndPoint Start(IEnumerable<IPalette> palettes, string? nodeName = null, Action<string>? log = null)
    {
        if (nodeName is not null) _nodeName = nodeName;
        if (log is not null) _log = log;
        var list = palettes.ToList();
        _palettes = list.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        _paletteInfos = list.Select(p => p.ToInfo()).ToList();
        var endpoint = Bind();
        _acceptLoop ??= Task.Run(AcceptLoopAsync);
        return endpoint;
    }

    /// <summary>True when <paramref name="host"/> names a loopback address; a name that does not resolve is not one.</summary>
    public static bool IsLoopbackHost(string host)
    {
        try
        {
            return IPAddress.IsLoopback(ResolveAddress(host));
        }
        catch (AdminHostException)
        {
            return false;
        }
    }

    private static IPAddress ResolveAddress(string host)
    {
        if (IPAddress.TryParse(host, out var ip)) return ip;
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
        try
        {
            return Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                   ?? throw new AdminHostException($"admin host: '{host}' has no IPv4 address");
        }
        catch (SocketException e)
        {
            throw new AdminHostException($"admin host: cannot resolve '{host}': {e.Message}", inner: e);
        }
    }

    private async Task AcceptLoopAsync()
    {
        var ct = _stopping.Token;
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener!.AcceptTcpClientAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { break; }
            catch (ObjectDisposedException) { break; }
            catch (SocketException e)
            {
                // A peer resetting during accept is its problem, not the listener's.
                _log($"admin: accept failed: {e.SocketErrorCode}");
                continue;
            }
            catch (InvalidOperationException) { break; }

            var id = Interlocked.Increment(ref _nextConnection);
            MakeRoomForUnauthenticated();
            Interlocked.Increment(ref _accepted);
            var connection = new Connection(id, client);
            _connections[id] = connection;
            connection.Task = Task.Run(() => ServeAsync(connection, ct));
        }
    }

    /// <summary>
    /// Closes the oldest unauthenticated connections beyond the quota: silent ones first, then ones waiting out
    /// their failed-authentication delay, and last ones whose hello has arrived but is not read yet (a client with
    /// the token sends it at once; under load it may wait for a thread while the flood goes on). The newcomer is
    /// kept, so a client with the token gets in whatever the flood.
    /// </summary>
    private void MakeRoomForUnauthenticated()
    {
        var pending = _connections.Values.Where(c => c.State is Connection.Handshaking or Connection.Failing).ToList();
        var excess = pending.Count - (_options.MaxUnauthenticatedConnections - 1);
        if (excess <= 0) return;
        foreach (var victim in pending.OrderBy(EvictionRank).ThenBy(c => c.Id))
        {
            if (excess <= 0) break;
            var wasHandshaking = victim.State == Connection.Handshaking;
            if (!victim.TryMove(victim.State, Connection.Evicted)) continue;
            Interlocked.Increment(ref _refused);
            try { victim.Closing.Cancel(); } catch (ObjectDisposedException) { }
            PushOut(victim.Client.Client, tellToRetry: wasHandshaking && _options.Tls is null);
            victim.Client.Dispose();
            excess--;
        }
    }

    private static readonly byte[] BusyFrame = WireProtocol.Encode(WireFrame.Busy("busy: too many connections waiting to authenticate, try again"));

    /// <summary>
    /// Closes a pushed-out connection; one still in its handshake first hears that it may dial again (a client with
    /// the token whose hello the host had not read yet). Not on TLS: the session owns that stream and its state.
    /// </summary>
    private static void PushOut(Socket socket, bool tellToRetry)
    {
        try
        {
            if (tellToRetry)
            {
                // Read what it sent first (its hello, a few bytes): closing on unread bytes resets the connection,
                // and a reset can destroy our frame before the client reads it. Bounded: a flood must not hold us here.
                var scratch = new byte[4096];
                for (var i = 0; i < 16 && socket.Available > 0; i++) socket.Receive(scratch);
                socket.Send(BusyFrame);
            }
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception) { /* already gone */ }
    }

    private static int EvictionRank(Connection c)
    {
        if (c.State == Connection.Failing) return 1;
        try { return c.Client.Available > 0 ? 2 : 0; }
        catch (Exception) { return 0; } // already gone
    }

    private int AuthenticatedSessions => _connections.Values.Count(c => c.State == Connection.Authenticated);

    private async Task ServeAsync(Connection connection, CancellationToken hostCt)
    {
        var (id, client) = (connection.Id, connection.Client);
        try
        {
            client.NoDelay = true;
            client.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            await using var session = new Session(this, connection, hostCt);
            await session.RunAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Abrupt disconnects and shutdown: nothing to report to anyone.
        }
        catch (Exception e)
        {
            _log($"admin: connection {id} ended by {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            client.Dispose();
            _connections.TryRemove(id, out _);
            connection.Closing.Dispose();
        }
    }

    /// <summary>Holds back the answer to a failed authentication; logs the 1st, 2nd, 4th, 8th ... failure in a row so a flood cannot flood the log.</summary>
    private async Task DelayFailedAuthenticationAsync(string address, string? clientName, CancellationToken ct)
    {
        Interlocked.Increment(ref _authFailures);
        var (failures, delay) = _backoff.Fail(address, DateTimeOffset.UtcNow);
        if ((failures & (failures - 1)) == 0)
            _log($"admin: authentication failed from {Echo.Shorten(address)} (client '{Echo.Shorten(clientName ?? "")}'), " +
                 $"{failures} in a row; answering after {delay.TotalMilliseconds:0} ms");
        try { await Task.Delay(delay, ct).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
    }

    private bool TokenMatches(string? presented)
    {
        if (string.IsNullOrEmpty(_options.Token) || presented is null) return false;
        // Hash first so the comparison takes the same time whatever the lengths.
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(_options.Token));
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        _stopping.Cancel();
        try { _listener?.Stop(); } catch (SocketException) { }
        foreach (var connection in _connections.Values)
        {
            try { connection.Client.Client.Shutdown(SocketShutdown.Both); } catch (Exception) { }
            connection.Client.Dispose();
        }
        var pending = _connections.Values.Select(c => c.Task).Append(_acceptLoop ?? Task.CompletedTask).ToArray();
        try
        {
            await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Connections that do not end in time die with the process; shutting down must not hang on them.
        }
        _stopping.Dispose();
    }

    /// <summary>An accepted socket and where it stands; the state decides which quota it counts against.</summary>
    private sealed class Connection(long id, TcpClient client)
    {
        public const int Handshaking = 0;
        public const int Failing = 1;
        public const int Authenticated = 2;
        public const int Evicted = 3;

        private int _state = Handshaking;
        public long Id { get; } = id;
        public TcpClient Client { get; } = client;
        public Task Task { get; set; } = Task.CompletedTask;
        public CancellationTokenSource Closing { get; } = new();
        public int State => Volatile.Read(ref _state);

        /// <summary>Eviction and the session race for the state; whoever moves it first wins.</summary>
        public bool TryMove(int from, int to) => Interlocked.CompareExchange(ref _state, to, from) == from;
    }

    /// <summary>One client connection: handshake, then requests one at a time, each answered by lines and an end frame.</summary>
    private sealed class Session(CommandHost host, Connection connection, CancellationToken hostCt) : IAsyncDisposable
    {
        private readonly TcpClient client = connection.Client;
        private Stream _stream = connection.Client.GetStream();
        private readonly SemaphoreSlim _writeLock = new(1, 1);
        private readonly CancellationTokenSource _closed = CancellationTokenSource.CreateLinkedTokenSource(hostCt, connection.Closing.Token);
        private CommandHostOptions Options => host._options;
        private CancellationTokenSource? _readDeadline;
        private Task? _running;
        private CancellationTokenSource? _runCts;
        private long _runningId;
        private bool _cancelledByClient;
        // 1 from a request until just before its end frame goes out. Not `_running.IsCompleted`: a client may send
        // its next request as soon as it reads the end frame, before the task that wrote it has finished.
        private int _busy;

        public async Task RunAsync()
        {
            if (!await SecureAsync().ConfigureAwait(false)) return;
            if (!await HandshakeAsync().ConfigureAwait(false)) return;
            while (!_closed.IsCancellationRequested)
            {
                WireFrame? frame;
                using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token))
                {
                    Volatile.Write(ref _readDeadline, deadline);
                    if (Volatile.Read(ref _busy) == 0)
                        deadline.CancelAfter(Options.IdleTimeout);
                    try
                    {
                        frame = await WireProtocol.ReadAsync(_stream, Options.MaxFrameBytes, deadline.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!_closed.IsCancellationRequested)
                    {
                        await SendAsync(WireFrame.ConnectionError($"idle for {Options.IdleTimeout.TotalSeconds:0}s, closing")).ConfigureAwait(false);
                        return;
                    }
                    catch (ProtocolException e)
                    {
                        Interlocked.Increment(ref host._protocolErrors);
                        await SendAsync(WireFrame.ConnectionError(e.Message)).ConfigureAwait(false);
                        return;
                    }
                    finally
                    {
                        Volatile.Write(ref _readDeadline, null);
                    }
                }
                if (frame is null) return; // the client hung up

                switch (frame.Type)
                {
                    case FrameTypes.Request:
                        if (Volatile.Read(ref _busy) == 1)
                        {
                            await SendAsync(WireFrame.Failure(frame.Id ?? 0, "busy: one command at a time per connection")).ConfigureAwait(false);
                            break;
                        }
                        _runCts?.Dispose();
                        _runCts = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
                        _cancelledByClient = false;
                        _runningId = frame.Id ?? 0;
                        Volatile.Write(ref _busy, 1);
                        _running = RunCommandAsync(frame, _runCts);
                        break;
                    case FrameTypes.Cancel:
                        if (Volatile.Read(ref _busy) == 1 && (frame.Id is null || frame.Id == _runningId))
                        {
                            _cancelledByClient = true;
                            _runCts?.Cancel();
                        }
                        break;
                    default:
                        Interlocked.Increment(ref host._protocolErrors);
                        await SendAsync(WireFrame.ConnectionError($"unexpected frame type '{Echo.Shorten(frame.Type)}'")).ConfigureAwait(false);
                        return;
                }
            }
        }

        /// <summary>The TLS handshake, within the hello's time limit; logs the 1st, 2nd, 4th ... failure so a scanner cannot flood the log.</summary>
        private async Task<bool> SecureAsync()
        {
            if (Options.Tls is not { } tls) return true;
            // Read now: a failed handshake closes the socket, and with it the remote end point.
            var address = (client.Client.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "?";
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
            deadline.CancelAfter(Options.HandshakeTimeout);
            try
            {
                _stream = await tls.AcceptAsync(_stream, deadline.Token).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException or OperationCanceledException)
            {
                var failures = Interlocked.Increment(ref host._tlsFailures);
                if ((failures & (failures - 1)) == 0)
                    host._log($"admin: TLS handshake with {address} failed ({failures} so far): " +
                              (e is OperationCanceledException ? "no handshake in time" : e.GetBaseException().Message.ReplaceLineEndings(" ")));
                return false;
            }
        }

        private async Task<bool> HandshakeAsync()
        {
            WireFrame? hello;
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token))
            {
                deadline.CancelAfter(Options.HandshakeTimeout);
                try
                {
                    hello = await WireProtocol.ReadAsync(_stream, Options.MaxFrameBytes, deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!_closed.IsCancellationRequested)
                {
                    await SendAsync(WireFrame.ConnectionError("no hello in time, closing")).ConfigureAwait(false);
                    return false;
                }
                catch (ProtocolException e)
                {
                    Interlocked.Increment(ref host._protocolErrors);
                    await SendAsync(WireFrame.ConnectionError(e.Message)).ConfigureAwait(false);
                    return false;
                }
            }
            if (hello is null) return false;
            if (hello.Type != FrameTypes.Hello)
            {
                Interlocked.Increment(ref host._protocolErrors);
                await SendAsync(WireFrame.ConnectionError("expected a hello frame first")).ConfigureAwait(false);
                return false;
            }
            if (hello.Version is { } version && version != WireProtocol.Version)
            {
                await SendAsync(WireFrame.ConnectionError($"protocol version {version} not supported (host speaks {WireProtocol.Version})")).ConfigureAwait(false);
                return false;
            }
            var address = (client.Client.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "?";
            if (!host.TokenMatches(hello.Token))
            {
                if (!connection.TryMove(Connection.Handshaking, Connection.Failing)) return false;
                await host.DelayFailedAuthenticationAsync(address, hello.Client, _closed.Token).ConfigureAwait(false);
                await SendAsync(WireFrame.ConnectionError("authentication failed: wrong or missing admin token")).ConfigureAwait(false);
                return false;
            }
            host._backoff.Succeed(address);
            if (host.AuthenticatedSessions >= Options.MaxConnections || !connection.TryMove(Connection.Handshaking, Connection.Authenticated))
            {
                Interlocked.Increment(ref host._refused);
                await SendAsync(WireFrame.ConnectionError($"too many admin connections (limit {Options.MaxConnections})")).ConfigureAwait(false);
                return false;
            }
            await SendAsync(WireFrame.Welcome(host._nodeName, host._paletteInfos)).ConfigureAwait(false);
            return true;
        }

        private async Task RunCommandAsync(WireFrame request, CancellationTokenSource runCts)
        {
            // Run off the reader's stack so the reader keeps listening for cancel frames and hang-ups.
            await Task.Yield();
            var id = request.Id ?? 0;
            WireFrame? end;
            try
            {
                end = await ExecuteAsync(request, runCts).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_cancelledByClient)
            {
                end = WireFrame.Success(id);
            }
            catch (Exception) when (_closed.IsCancellationRequested)
            {
                end = null; // the connection is gone; nobody to tell
            }
            catch (OperationCanceledException) when (runCts.IsCancellationRequested)
            {
                // Neither the client nor the connection cancelled it: the command timeout did.
                end = WireFrame.Failure(id, $"timed out after {Options.CommandTimeout.TotalSeconds:0.#}s");
            }
            catch (Exception e)
            {
                end = WireFrame.Failure(id, $"internal error: {e.GetBaseException().Message}");
            }
            // Back to idle before the end frame goes out: the client may send its next request the moment it
            // reads it, and that request must find the connection free, and must not be cut by this idle deadline.
            Volatile.Write(ref _busy, 0);
            try { Volatile.Read(ref _readDeadline)?.CancelAfter(Options.IdleTimeout); }
            catch (ObjectDisposedException) { }
            if (end is not null)
                await SendAsync(end).ConfigureAwait(false);
        }

        private async Task<WireFrame> ExecuteAsync(WireFrame request, CancellationTokenSource runCts)
        {
            var id = request.Id ?? 0;
            if (string.IsNullOrEmpty(request.Palette) || !host._palettes.TryGetValue(request.Palette, out var palette))
                return WireFrame.Failure(id, string.IsNullOrEmpty(request.Palette)
                    ? "request names no palette"
                    : $"unknown palette '{Echo.Shorten(request.Palette)}' (available: {string.Join(", ", host._palettes.Keys.Order())})");
            var command = palette.Commands.FirstOrDefault(c => string.Equals(c.Name, request.Command, StringComparison.OrdinalIgnoreCase));
            if (command is null)
                return WireFrame.Failure(id, string.IsNullOrEmpty(request.Command)
                    ? $"{palette.Name}: name a command ({string.Join(", ", palette.Commands.Select(c => c.Name))})"
                    : $"{palette.Name}: unknown command '{Echo.Shorten(request.Command)}' (available: {string.Join(", ", palette.Commands.Select(c => c.Name))})");
            var call = CommandCall.Parse(palette.Name, command, request.Args ?? [], out var error);
            if (call is null)
                return WireFrame.Failure(id, error!);

            var ct = runCts.Token;
            if (!command.Streaming)
                runCts.CancelAfter(Options.CommandTimeout);
            // WaitAsync: a handler that ignores its token still cannot hold the connection past the timeout.
            var result = await palette.ExecuteAsync(call, ct).WaitAsync(ct).ConfigureAwait(false);
            switch (result)
            {
                case CommandResult.Failure failure:
                    return WireFrame.Failure(id, failure.Message);
                case CommandResult.Output output:
                    foreach (var line in output.Lines)
                        await SendAsync(WireFrame.OutputLine(id, line)).ConfigureAwait(false);
                    return WireFrame.Success(id);
                case CommandResult.Stream stream:
                    await foreach (var line in stream.Lines.WithCancellation(ct).ConfigureAwait(false))
                        await SendAsync(WireFrame.OutputLine(id, line)).ConfigureAwait(false);
                    return WireFrame.Success(id);
                default:
                    return WireFrame.Failure(id, "command returned nothing");
            }
        }

        private async Task SendAsync(WireFrame frame)
        {
            if (_closed.IsCancellationRequested) return;
            try
            {
                await _writeLock.WaitAsync(_closed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { return; }
            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
                deadline.CancelAfter(Options.WriteTimeout);
                await WireProtocol.WriteAsync(_stream, frame, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A client that does not read, or is gone: drop the connection; the reader ends with it.
                Close();
            }
            finally
            {
                _writeLock.Release();
            }
        }

        private void Close()
        {
            try { _closed.Cancel(); } catch (ObjectDisposedException) { }
            try { client.Client.Shutdown(SocketShutdown.Both); } catch (Exception) { }
            client.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            try { _runCts?.Cancel(); } catch (ObjectDisposedException) { }
            if (_running is not null)
            {
                try { await _running.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false); }
                catch (Exception) { }
            }
            Close();
            // A handler that outlived the wait may still hold these tokens; let the GC have them then.
            if (_running is null || _running.IsCompleted)
            {
                _runCts?.Dispose();
                _closed.Dispose();
            }
        }
    }
}
