using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace ActorCluster.IntegrationTests;

/// <summary>
/// Debian's chromium, headless, driven over the DevTools protocol on a WebSocket (System.Net.WebSockets): navigate,
/// evaluate JavaScript in the page, capture screenshots, and collect the page's console errors and uncaught exceptions.
/// Its profile lives in a temporary directory, removed with the process on dispose.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Task _reader = Task.CompletedTask;
    private int _nextId;

    private HeadlessChromium(Process process, DirectoryInfo profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Console errors and uncaught exceptions of the page so far.</summary>
    public IReadOnlyCollection<string> Errors => _errors.ToArray();

    /// <summary>The chromium on PATH, or null where there is none (the specs that need it are skipped then).</summary>
    public static string? Find() =>
        new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);

    public static async Task<HeadlessChromium> StartAsync(string executable, int width, int height, TimeSpan timeout)
    {
        var profile = Directory.CreateTempSubdirectory("actorcluster-chromium-");
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--mute-audio",
                     "--remote-debugging-port=0", $"--user-data-dir={profile.FullName}", $"--window-size={width},{height}", "about:blank",
                 })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var browser = new HeadlessChromium(process, profile);
        try
        {
            await browser.ConnectAsync(timeout);
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
        return browser;
    }

    private async Task ConnectAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var portFile = Path.Combine(_profile.FullName, "DevToolsActivePort");
        string? port = null;
        while (port is null)
        {
            if (_process.HasExited) throw new InvalidOperationException($"chromium exited with {_process.ExitCode} before it listened");
            if (clock.Elapsed > timeout) throw new TimeoutException("chromium did not open its DevTools port in time");
            try { port = (await File.ReadAllLinesAsync(portFile)).FirstOrDefault(l => l.Length > 0); }
            catch (IOException) { }
            if (port is null) await Task.Delay(100);
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        JsonArray targets;
        while (true)
        {
            targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray();
            if (targets.Any(t => (string?)t!["type"] == "page")) break;
            if (clock.Elapsed > timeout) throw new TimeoutException("chromium has no page to drive");
            await Task.Delay(100);
        }
        var url = (string)targets.First(t => (string?)t!["type"] == "page")!["webSocketDebuggerUrl"]!;
        await _socket.ConnectAsync(new Uri(url), CancellationToken.None);
        _reader = Task.Run(ReadLoopAsync);
        await SendAsync("Runtime.enable");
        await SendAsync("Page.enable");
    }

    public async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, _closing.Token);
        }
        finally
        {
            _sendLock.Release();
        }
        var answer = await reply.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        if (answer["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
        return answer["result"]?.AsObject() ?? new JsonObject();
    }

    public Task NavigateAsync(string url) => SendAsync("Page.navigate", new JsonObject { ["url"] = url });

    /// <summary>The value of a JavaScript expression in the page (promises awaited), as JSON.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result["exceptionDetails"] is { } exception) throw new InvalidOperationException($"page threw: {exception.ToJsonString()}");
        return result["result"]?["value"]?.DeepClone();
    }

    /// <summary>Polls <paramref name="expression"/> until it is true; false if it never was within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitUntilAsync(string expression, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await EvaluateAsync(expression) is JsonValue v && v.TryGetValue<bool>(out var ok) && ok) return true;
            await Task.Delay(100);
        }
        return false;
    }

    /// <param name="fullPage">The whole page, not only the window: the dashboard's job detail runs below the fold.</param>
    public async Task ScreenshotAsync(string path, bool fullPage = false)
    {
        var parameters = new JsonObject { ["format"] = "png" };
        if (fullPage)
        {
            var size = (await SendAsync("Page.getLayoutMetrics", new JsonObject()))["cssContentSize"]!;
            parameters["captureBeyondViewport"] = true;
            parameters["clip"] = new JsonObject { ["x"] = 0, ["y"] = 0, ["width"] = (double)size["width"]!, ["height"] = (double)size["height"]!, ["scale"] = 1 };
        }
        var shot = await SendAsync("Page.captureScreenshot", parameters);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String((string)shot["data"]!));
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var read = await _socket.ReceiveAsync(buffer, _closing.Token);
                if (read.MessageType == WebSocketMessageType.Close) return;
                message.Write(buffer, 0, read.Count);
                if (!read.EndOfMessage) continue;
                var json = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                if (json["id"] is { } id && _pending.TryRemove((int)id, out var reply))
                    reply.TrySetResult(json);
                else if ((string?)json["method"] == "Runtime.exceptionThrown")
                    _errors.Enqueue($"exception: {json["params"]?["exceptionDetails"]?.ToJsonString()}");
                else if ((string?)json["method"] == "Runtime.consoleAPICalled" && (string?)json["params"]?["type"] == "error")
                    _errors.Enqueue($"console.error: {json["params"]?["args"]?.ToJsonString()}");
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        finally
        {
            foreach (var pending in _pending.Values) pending.TrySetException(new InvalidOperationException("chromium connection closed"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _closing.Cancel();
        try { await _reader.WaitAsync(TimeSpan.FromSeconds(2)); } catch (Exception) { }
        _socket.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception) { }
        _process.Dispose();
        try { _profile.Delete(recursive: true); } catch (Exception) { }
    }
}
