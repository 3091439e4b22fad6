using System.Diagnostics;
using System.Net.Http;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorCluster.Cli.Tests;

/// <summary>
/// Debian's chromium, headless, driven over the DevTools protocol (System.Net.WebSockets): it records every console
/// message, uncaught exception, log entry and network request of the page. The browser's own proxy points at a port
/// nothing listens on, so a page that reached for the network would fail there as well as show up in the requests.
/// Killed, with its profile directory, on dispose.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<int, TaskCompletionSource<JsonObject>> _pending = [];
    private readonly List<JsonObject> _events = [];
    private Task _reader = Task.CompletedTask;
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The browser binary on PATH, or null (the spec is then skipped).</summary>
    public static string? Find() =>
        new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);

    public static async Task<HeadlessChromium> StartAsync(string binary)
    {
        var profile = Directory.CreateTempSubdirectory("ac-chromium-").FullName;
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var arg in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0", "--remote-allow-origins=*", $"--user-data-dir={profile}",
                     "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--no-first-run", "--no-default-browser-check",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
                     "--disable-extensions", "--hide-scrollbars", "about:blank",
                 })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var browser = new HeadlessChromium(process, profile);
        try
        {
            await browser.ConnectAsync();
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    private async Task ConnectAsync()
    {
        var portFile = Path.Combine(_profile, "DevToolsActivePort");
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!File.Exists(portFile) || File.ReadAllLines(portFile).Length < 2)
        {
            if (_process.HasExited) throw new InvalidOperationException($"chromium exited with {_process.ExitCode} before it listened");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("chromium did not open its DevTools port");
            await Task.Delay(100);
        }
        var port = int.Parse(File.ReadAllLines(portFile)[0]);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray();
        var page = targets.First(t => (string?)t!["type"] == "page")!;
        await _socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), _stop.Token);
        _reader = Task.Run(ReadAsync);
        foreach (var domain in new[] { "Runtime", "Log", "Network", "Page" })
            await SendAsync($"{domain}.enable");
    }

    /// <summary>Every event so far with this method name (e.g. Network.requestWillBeSent), in order.</summary>
    public List<JsonObject> Events(string method)
    {
        lock (_events) return _events.Where(e => (string?)e["method"] == method).ToList();
    }

    /// <summary>Console errors and warnings, uncaught exceptions and error log entries, one line each.</summary>
    public List<string> Problems()
    {
        var problems = new List<string>();
        problems.AddRange(Events("Runtime.consoleAPICalled").Where(e => (string?)e["params"]!["type"] is "error" or "warning" or "assert")
            .Select(e => $"console {(string?)e["params"]!["type"]}: {e["params"]!["args"]!.ToJsonString()}"));
        problems.AddRange(Events("Runtime.exceptionThrown").Select(e => $"exception: {e["params"]!["exceptionDetails"]!.ToJsonString()}"));
        problems.AddRange(Events("Log.entryAdded").Where(e => (string?)e["params"]!["entry"]!["level"] is "error" or "warning")
            .Select(e => $"log: {e["params"]!["entry"]!.ToJsonString()}"));
        return problems;
    }

    /// <summary>Opens the page at its size, and waits until <paramref name="readyExpression"/> is true in it.</summary>
    public async Task OpenAsync(string url, int width, int height, string readyExpression, TimeSpan timeout)
    {
        await SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false });
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        var deadline = DateTime.UtcNow + timeout;
        while (await EvaluateAsync(readyExpression) is not JsonValue ready || !ready.GetValue<bool>())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the page did not get ready ({readyExpression}); problems: {string.Join(" | ", Problems())}");
            await Task.Delay(100);
        }
    }

    /// <summary>The value of a JavaScript expression in the page (JSON-compatible values only).</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var reply = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true });
        if (reply["exceptionDetails"] is { } error) throw new InvalidOperationException($"evaluating {expression}: {error.ToJsonString()}");
        return reply["result"]?["value"]?.DeepClone();
    }

    public async Task ScreenshotAsync(string path)
    {
        var reply = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String((string)reply["data"]!));
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var done = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pending) _pending[id] = done;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, _stop.Token);
        var reply = await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        if (reply["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
        return reply["result"]?.AsObject() ?? new JsonObject();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 20];
        var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close) return;
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                var json = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                if (json["id"] is { } idNode)
                {
                    TaskCompletionSource<JsonObject>? waiting;
                    lock (_pending) _pending.Remove(idNode.GetValue<int>(), out waiting);
                    waiting?.TrySetResult(json);
                }
                else
                    lock (_events) _events.Add(json);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested || _socket.State != WebSocketState.Open)
        {
            // closing
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await _reader.WaitAsync(TimeSpan.FromSeconds(5)); } catch (Exception) { /* the reader stops with the socket */ }
        _socket.Dispose();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception) { /* already gone */ }
        _process.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { /* a child may still hold a file for a moment */ }
    }
}
