using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Aevb.Notebooks.Tests.Browser;

/// <summary>
/// One page in a real headless Chromium driven through the DevTools protocol (a WebSocket; no
/// network beyond 127.0.0.1): load a file, evaluate JavaScript, dispatch real mouse events, take
/// screenshots. For the tests that must <em>interact</em> with a page (the latent explorer);
/// pages that only need to render use <see cref="HeadlessChromium.DumpDom"/>.
/// </summary>
internal sealed partial class DevToolsPage : IDisposable
{
    private readonly Process _chromium;
    private readonly DirectoryInfo _profile;
    private readonly ClientWebSocket _socket = new();
    private int _nextId;

    private DevToolsPage(Process chromium, DirectoryInfo profile)
    {
        _chromium = chromium;
        _profile = profile;
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex ListeningLine();

    /// <summary>Starts Chromium (offline, fresh profile, a <paramref name="width"/> x <paramref name="height"/> window) on about:blank.</summary>
    public static DevToolsPage Open(int width = 1100, int height = 900)
    {
        var chromium = HeadlessChromium.Require();
        var profile = Directory.CreateTempSubdirectory("aevb-cdp-");
        var psi = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var flag in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-quic",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--hide-scrollbars", "--force-device-scale-factor=1", $"--window-size={width},{height}",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=" + profile.FullName, "about:blank",
        }) psi.ArgumentList.Add(flag);
        var process = Process.Start(psi)!;
        var page = new DevToolsPage(process, profile);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            string? browserUrl = null;
            while (browserUrl is null)
            {
                var read = process.StandardError.ReadLineAsync();
                if (!read.Wait(deadline - DateTime.UtcNow) || read.Result is null)
                    throw new InvalidOperationException("Chromium did not announce its DevTools endpoint within 60 s.");
                var m = ListeningLine().Match(read.Result);
                if (m.Success) browserUrl = m.Groups[1].Value;
            }
            _ = process.StandardError.ReadToEndAsync();   // keep draining
            _ = process.StandardOutput.ReadToEndAsync();
            // The page target Chromium opened for about:blank: ws://host:port/devtools/page/<id>.
            var origin = new Uri(browserUrl);
            using var http = new HttpClient();
            var targets = JsonNode.Parse(http.GetStringAsync($"http://{origin.Authority}/json/list").Result)!.AsArray();
            var pageTarget = targets.First(t => t!["type"]!.GetValue<string>() == "page")!;
            page._socket.ConnectAsync(new Uri(pageTarget["webSocketDebuggerUrl"]!.GetValue<string>()), CancellationToken.None).Wait(TimeSpan.FromSeconds(30));
            page.Send("Page.enable");
            page.Send("Runtime.enable");
            return page;
        }
        catch
        {
            page.Dispose();
            throw;
        }
    }

    /// <summary>Sends one command and returns its result (throws with the protocol's error).</summary>
    public JsonNode Send(string method, object? parameters = null)
    {
        var id = ++_nextId;
        var message = JsonSerializer.Serialize(new { id, method, @params = parameters ?? new { } });
        _socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None).Wait(TimeSpan.FromSeconds(30));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var ms = new MemoryStream();
            WebSocketReceiveResult r;
            do
            {
                var receive = _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (!receive.Wait(deadline - DateTime.UtcNow)) throw new TimeoutException($"DevTools: no answer to {method} within 60 s.");
                r = receive.Result;
                ms.Write(buffer, 0, r.Count);
            } while (!r.EndOfMessage);
            var reply = JsonNode.Parse(ms.ToArray())!;
            if (reply["id"]?.GetValue<int>() != id) continue;   // an event, or an older reply
            if (reply["error"] is { } error) throw new InvalidOperationException($"DevTools {method}: {error.ToJsonString()}");
            return reply["result"]!;
        }
    }

    /// <summary>Navigates to <paramref name="path"/> and waits for its load event.</summary>
    public void Load(string path)
    {
        Send("Page.navigate", new { url = new Uri(Path.GetFullPath(path)).AbsoluteUri });
        WaitFor("document.readyState === 'complete'", TimeSpan.FromSeconds(60));
    }

    /// <summary>Evaluates <paramref name="expression"/> (awaiting a promise) and returns its JSON value.</summary>
    public JsonNode? Evaluate(string expression)
    {
        var result = Send("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true });
        if (result["exceptionDetails"] is { } ex) throw new InvalidOperationException("page script failed: " + ex.ToJsonString());
        return result["result"]?["value"];
    }

    /// <summary>Polls <paramref name="condition"/> until it is true.</summary>
    public void WaitFor(string condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Evaluate("!!(" + condition + ")")?.GetValue<bool>() != true)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the page never satisfied: {condition}");
            Thread.Sleep(100);
        }
    }

    /// <summary>A real pointer move to viewport coordinates (x, y), as a user's mouse makes it.</summary>
    public void MoveMouse(double x, double y) => Send("Input.dispatchMouseEvent", new { type = "mouseMoved", x, y, button = "none" });

    /// <summary>A click (press and release of the left button) at (x, y).</summary>
    public void Click(double x, double y)
    {
        Send("Input.dispatchMouseEvent", new { type = "mousePressed", x, y, button = "left", clickCount = 1 });
        Send("Input.dispatchMouseEvent", new { type = "mouseReleased", x, y, button = "left", clickCount = 1 });
    }

    /// <summary>A PNG of the page region (x, y, width, height) in CSS pixels (the whole viewport when null).</summary>
    public byte[] Screenshot((double X, double Y, double Width, double Height)? clip = null)
    {
        var result = clip is { } c
            ? Send("Page.captureScreenshot", new { format = "png", clip = new { x = c.X, y = c.Y, width = c.Width, height = c.Height, scale = 1 } })
            : Send("Page.captureScreenshot", new { format = "png" });
        return Convert.FromBase64String(result["data"]!.GetValue<string>());
    }

    public void Dispose()
    {
        try { _socket.Dispose(); } catch (ObjectDisposedException) { }
        try { if (!_chromium.HasExited) _chromium.Kill(entireProcessTree: true); _chromium.WaitForExit(10_000); } catch (InvalidOperationException) { }
        _chromium.Dispose();
        try { _profile.Delete(true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
