using System.Diagnostics;
using System.Net.Http;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace ActorCluster.Tests.Shared;

/// <summary>
/// Debian's chromium, headless, driven over the DevTools protocol (System.Net.WebSockets): navigate, evaluate JavaScript
/// in the page, capture screenshots, and record every console message, uncaught exception, log entry and network request
/// of the page. Offline, the browser's proxy points at a port nothing listens on, loopback included, so a page that
/// reached for the network would fail there as well as show up in the requests. Linked into every test project that
/// drives a browser; killed, with its profile directory, on dispose.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly Dictionary<int, TaskCompletionSource<JsonObject>> _pending = [];
    private readonly List<JsonObject> _events = [];
    // A ClientWebSocket allows one send at a time; a spec may evaluate while a screenshot is on its way.
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Task _reader = Task.CompletedTask;
    private int _nextId;

    private HeadlessChromium(Process process, DirectoryInfo profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The chromium on PATH, or null where there is none (the specs that need it are skipped then).</summary>
    public static string? Find() =>
        new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);

    /// <param name="offline">Every request, loopback too, goes to a proxy that refuses it: for pages that must need no network.</param>
    public static async Task<HeadlessChromium> StartAsync(string binary, int width, int height, bool offline)
    {
        var profile = Directory.CreateTempSubdirectory("ac-chromium-");
        var start = new ProcessStartInfo(binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0", "--remote-allow-origins=*", $"--user-data-dir={profile.FullName}",
                     $"--window-size={width},{height}", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
                 })
            start.ArgumentList.Add(arg);
        if (offline)
        {
            start.ArgumentList.Add("--proxy-server=127.0.0.1:9");
            start.ArgumentList.Add("--proxy-bypass-list=<-loopback>");
        }
        start.ArgumentList.Add("about:blank");
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var browser = new HeadlessChromium(process, profile);
        try
        {
            await browser.ConnectAsync(width, height);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    private async Task ConnectAsync(int width, int height)
    {
        var clock = Stopwatch.StartNew();
        var portFile = Path.Combine(_profile.FullName, "DevToolsActivePort");
        string? port = null;
        while (port is null)
        {
            if (_process.HasExited) throw new InvalidOperationException($"chromium exited with {_process.ExitCode} before it listened");
            if (clock.Elapsed > StartTimeout) throw new TimeoutException("chromium did not open its DevTools port in time");
            // The file appears before its port line is written.
            try { port = File.Exists(portFile) ? (await File.ReadAllLinesAsync(portFile)).FirstOrDefault(l => l.Length > 0) : null; }
            catch (IOException) { }
            if (port is null) await Task.Delay(100);
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        JsonNode? page;
        while ((page = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray()
                   .FirstOrDefault(t => (string?)t!["type"] == "page")) is null)
        {
            if (clock.Elapsed > StartTimeout) throw new TimeoutException("chromium has no page to drive");
            await Task.Delay(100);
        }
        await _socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), _closing.Token);
        _reader = Task.Run(ReadLoopAsync);
        foreach (var domain in new[] { "Runtime", "Log", "Network", "Page" })
            await SendAsync($"{domain}.enable");
        // The viewport itself, not the window around it: screenshots and layouts come out the same size everywhere.
        await SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false });
    }

    /// <summary>Every event so far with this method name (e.g. Network.requestWillBeSent), in order.</summary>
    public List<JsonObject> Events(string method)
    {
        lock (_events) return _events.Where(e => (string?)e["method"] == method).ToList();
    }

    /// <summary>Console errors and warnings, uncaught exceptions and error or warning log entries (a failed load among them) of the page so far, one line each.</summary>
    public List<string> Problems()
    {
        var problems = new List<string>();
        problems.AddRange(Events("Runtime.consoleAPICalled").Where(e => (string?)e["params"]!["type"] is "error" or "warning" or "assert")
            .Select(e => $"console {(string?)e["params"]!["type"]}: {e["params"]!["args"]!.ToJsonString()}"));
        problems.AddRange(Events("Runtime.exceptionThrown").Select(e => $"exception: {e["params"]!["exceptionDetails"]!.ToJsonString()}"));
        problems.AddRange(Events("Log.entryAdded").Select(e => e["params"]!["entry"]!)
            .Where(entry => (string?)entry["level"] is "error" or "warning")
            .Select(entry => $"log: {entry.ToJsonString()}"));
        return problems;
    }

    public Task NavigateAsync(string url) => SendAsync("Page.navigate", new JsonObject { ["url"] = url });

    /// <summary>The value of a JavaScript expression in the page (promises awaited; JSON-compatible values only).</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var reply = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (reply["exceptionDetails"] is { } error) throw new InvalidOperationException($"the page threw evaluating {expression}: {error.ToJsonString()}");
        return reply["result"]?["value"]?.DeepClone();
    }

    /// <summary>Polls <paramref name="expression"/> until it is true; false if it never was within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitUntilAsync(string expression, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await EvaluateAsync(expression) is JsonValue value && value.TryGetValue<bool>(out var ok) && ok) return true;
            await Task.Delay(100);
        }
        return false;
    }

    /// <param name="fullPage">The whole page, not only the viewport: a report or a job's detail runs below the fold.</param>
    public async Task ScreenshotAsync(string path, bool fullPage)
    {
        var parameters = new JsonObject { ["format"] = "png" };
        if (fullPage)
        {
            var size = (await SendAsync("Page.getLayoutMetrics"))["cssContentSize"]!;
            parameters["captureBeyondViewport"] = true;
            parameters["clip"] = new JsonObject { ["x"] = 0, ["y"] = 0, ["width"] = (double)size["width"]!, ["height"] = (double)size["height"]!, ["scale"] = 1 };
        }
        var shot = await SendAsync("Page.captureScreenshot", parameters);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String((string)shot["data"]!));
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var done = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pending) _pending[id] = done;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _sendLock.WaitAsync(_closing.Token);
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, _closing.Token);
        }
        finally
        {
            _sendLock.Release();
        }
        var reply = await done.Task.WaitAsync(ReplyTimeout);
        if (reply["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
        return reply["result"]?.AsObject() ?? new JsonObject();
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
                if (json["id"] is { } id)
                {
                    TaskCompletionSource<JsonObject>? waiting;
                    lock (_pending) _pending.Remove((int)id, out waiting);
                    waiting?.TrySetResult(json);
                }
                else
                    lock (_events) _events.Add(json);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        finally
        {
            // Whoever still waits for a reply hears now that none will come, rather than at its timeout.
            lock (_pending)
                foreach (var waiting in _pending.Values) waiting.TrySetException(new InvalidOperationException("chromium connection closed"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _closing.Cancel();
        try { await _reader.WaitAsync(TimeSpan.FromSeconds(5)); } catch (Exception) { /* the reader stops with the socket */ }
        _socket.Dispose();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception) { /* already gone */ }
        _process.Dispose();
        try { _profile.Delete(recursive: true); } catch (Exception) { /* a child may still hold a file for a moment */ }
    }
}
