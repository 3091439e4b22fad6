using System.Text.Json.Nodes;

namespace ActorCluster.Tests.Shared;

/// <summary>
/// report.html as a user opens it: in headless chromium, offline, where it must draw every plot, say nothing on the
/// console and ask for nothing over the network. Shared by the report's own specs (made-up jobs) and the integration
/// spec that opens a real cluster job's report.
/// </summary>
public static class ReportPage
{
    public const int Width = 1280;
    public const int Height = 1700;
    private static readonly TimeSpan RenderTimeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Canvases = ["throughput", "share", "task-stream", "batch-sizes", "workers"];

    /// <summary>
    /// Opens the report, waits until it says it has drawn its plots, takes a full-page screenshot to
    /// <paramref name="screenshot"/> and returns what the page shows.
    /// </summary>
    public static async Task<JsonObject> OpenAsync(HeadlessChromium browser, string reportHtml, string screenshot)
    {
        await browser.NavigateAsync(new Uri(reportHtml).AbsoluteUri);
        Assert.True(await browser.WaitUntilAsync("document.body !== null && document.body.dataset.rendered === 'true'", RenderTimeout),
            $"{reportHtml} never drew its plots; problems: {string.Join(" | ", browser.Problems())}");
        // Painted pixels are counted from the canvases themselves, not taken from the page's word.
        var page = (await browser.EvaluateAsync("""
            (() => {
              const painted = {};
              for (const id of ['throughput', 'share', 'task-stream', 'batch-sizes', 'workers']) {
                const c = document.getElementById(id);
                const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) n++;
                painted[id] = n;
              }
              const stream = Chart.getChart('task-stream');
              return {
                rendered: document.body.dataset.rendered,
                bars: Number(document.body.dataset.bars),
                streamPoints: stream.data.datasets.reduce((n, d) => n + d.data.length, 0),
                streamLanes: stream.data.labels.length,
                throughputPoints: Chart.getChart('throughput').data.datasets.reduce((n, d) => n + d.data.length, 0),
                painted,
                nodes: [...document.querySelector('table tbody').rows].map(r =>
                  ({ address: r.cells[0].textContent, items: Number(r.cells[3].textContent.replace(/,/g, '')) })),
                failureRows: document.querySelectorAll('#failures tr').length,
                failures: document.getElementById('failures').textContent,
                summary: document.querySelector('dl.summary').textContent,
                note: document.getElementById('timeline-note').textContent,
                injected: document.body.dataset.injected || 'no',
                images: document.images.length,
              };
            })()
            """))!.AsObject();
        await browser.ScreenshotAsync(screenshot, fullPage: true);
        return page;
    }

    /// <summary>Each plot has pixels on it: a canvas a chart failed to draw on stays transparent.</summary>
    public static void AssertPainted(JsonObject page)
    {
        foreach (var id in Canvases)
            Assert.True((int)page["painted"]![id]! > 2_000, $"canvas {id} has only {page["painted"]![id]} painted pixels");
    }

    /// <summary>Nothing on the console, and the only request the page itself from file://, none failed.</summary>
    public static void AssertOffline(HeadlessChromium browser)
    {
        Assert.Empty(browser.Problems());
        var requests = browser.Events("Network.requestWillBeSent").Select(e => (string)e["params"]!["request"]!["url"]!).ToList();
        Assert.Single(requests);
        Assert.StartsWith("file://", requests[0]);
        Assert.Empty(browser.Events("Network.loadingFailed"));
    }
}
