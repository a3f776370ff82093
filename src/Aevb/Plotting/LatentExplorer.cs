using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aevb.Data;
using Aevb.Models;
using Aevb.Tensors;

namespace Aevb.Plotting;

/// <summary>
/// Figure 4, alive: an interactive view of a model with a 2-D latent space. The latent plane shows the
/// test set's posterior means μ(x) as points (coloured by label when the data has labels) and, for some
/// of them, the encoder's σ(x) as one-standard-deviation ellipses; the image beside it is the decoder's
/// mean at the z under the pointer, computed in the page itself from the decoder's weights (shipped as
/// float16); a slider interpolates through z between two test images.
/// </summary>
/// <remarks>
/// <para>In notebooks it displays through <see cref="Aevb.Display.LatentExplorerFormatterSource"/>: text/html
/// (the explorer, a canvas and a script, no other script needed), image/png (the static Figure 4 manifold,
/// shown where scripts do not run) and text/plain.</para>
/// <para>The decoder is <c>y = g(W₂ tanh(W₁ z + b₁) + b₂)</c> with the decoder's own mean function g: the
/// sigmoid for the Bernoulli decoder (the pixel probabilities) and for the Gaussian decoder's mean as Section 5 has it, the
/// identity for a linear-mean Gaussian decoder (<see cref="GaussianMean.Linear"/>, Appendix C.2's formula; its
/// mean is drawn clipped to [0, 1]). Its weights go into the page as IEEE float16, low bytes then high
/// bytes, zlib-compressed, base64; the page decodes them with the browser's DecompressionStream and
/// evaluates the network in float64. <see cref="DecodeAsShipped"/> is the same computation in C#
/// (what the page must draw); it differs from <c>model.Decode</c> only by the float16 rounding.</para>
/// </remarks>
[Aevb.Display.TypeFormatterSource(typeof(Aevb.Display.LatentExplorerFormatterSource),
    PreferredMimeTypes = new[] { "text/html", "image/png", "text/plain" })]
public sealed class LatentExplorer
{
    private readonly float[] _w1, _b1, _w2, _b2;   // float16-rounded decoder weights: [H,2], [H], [D,H], [D]
    private readonly float[] _mu, _sigma;          // [N,2] each
    private readonly bool _linearMean;
    private readonly byte[]? _labels;
    private readonly int[] _ellipses;
    private readonly (int Index, float[] Image)[] _anchors;
    private readonly ImageGrid _manifold;
    private string? _html;

    private LatentExplorer(string title, int imageHeight, int imageWidth, int hidden, float[] w1, float[] b1, float[] w2, float[] b2,
        bool linearMean, float[] mu, float[] sigma, byte[]? labels, int[] ellipses, (int, float[])[] anchors,
        ImageGrid manifold, double range, int scale)
    {
        _linearMean = linearMean;
        Title = title;
        ImageHeight = imageHeight;
        ImageWidth = imageWidth;
        HiddenSize = hidden;
        _w1 = w1; _b1 = b1; _w2 = w2; _b2 = b2;
        _mu = mu; _sigma = sigma; _labels = labels;
        _ellipses = ellipses;
        _anchors = anchors;
        _manifold = manifold;
        Range = range;
        ImageScale = scale;
    }

    /// <summary>
    /// An explorer for <paramref name="model"/> (latent size 2) over the first <paramref name="points"/> images of
    /// <paramref name="test"/>, with σ ellipses for <paramref name="ellipses"/> of them and
    /// <paramref name="anchors"/> test images to interpolate between (one per label where there are labels).
    /// The static fallback is the <paramref name="manifoldSteps"/> x <paramref name="manifoldSteps"/> Figure 4 grid.
    /// </summary>
    public static LatentExplorer Create(Vae model, Dataset test, int points = 1000, int ellipses = 30, int anchors = 10,
        int manifoldSteps = 20, string? title = null, int imageScale = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(test);
        if (model.LatentSize != 2)
            throw new ArgumentException($"LatentExplorer needs a model with a 2-D latent space; this one is {model.Config}.", nameof(model));
        if (test.Features != model.InputSize)
            throw new ArgumentException($"LatentExplorer: the data has {test.Features} features but the model takes {model.InputSize}.", nameof(test));
        if (test.ImageHeight * test.ImageWidth != test.Features)
            throw new ArgumentException($"LatentExplorer: {test.Name} is not a set of images.", nameof(test));
        if (points < 1) throw new ArgumentOutOfRangeException(nameof(points), $"LatentExplorer: points must be positive, got {points}.");
        if (ellipses < 0 || anchors < 0) throw new ArgumentOutOfRangeException(nameof(ellipses), "LatentExplorer: ellipses and anchors cannot be negative.");

        var (hiddenW, hiddenB, outW, outB, linearMean) = DecoderMeanLayers(model.Decoder);
        int hidden = hiddenB.Length;
        var shown = test.Take(Math.Min(points, test.Count));
        var (mu, sigma) = EncodeWithSigma(model, shown);
        int n = shown.Count;

        // The plane spans ±range in both axes: the prior's bulk (±3) and 99.5 % of the codes.
        var abs = mu.Select(Math.Abs).Order().ToArray();
        var range = Math.Max(3.0, Math.Ceiling(abs[(int)Math.Min(abs.Length - 1, Math.Floor(0.995 * abs.Length))] * 1.1 * 2) / 2);

        var ellipseIdx = Enumerable.Range(0, Math.Min(ellipses, n)).Select(i => (int)((long)i * n / Math.Min(ellipses, n))).ToArray();
        var anchorIdx = PickAnchors(shown.Labels, n, anchors);
        var anchorList = anchorIdx.Select(i => (i, shown.Row(i).ToArray())).ToArray();

        var grid = LatentManifold.Decode(model, manifoldSteps);
        var manifold = ImageGrid.FromBatch(grid.Data, test.ImageHeight, test.ImageWidth, columns: manifoldSteps,
            scale: test.ImageHeight * manifoldSteps <= 300 ? 2 : 1, padding: 0,
            title: $"Learned manifold (Figure 4), {manifoldSteps} x {manifoldSteps} grid: the static view of the explorer");
        var name = title ?? $"{test.Name}: latent space of {model.Config}";
        int scale = imageScale > 0 ? imageScale : Math.Max(2, 168 / Math.Max(test.ImageHeight, test.ImageWidth));
        return new LatentExplorer(name, test.ImageHeight, test.ImageWidth, hidden, Half16(hiddenW), Half16(hiddenB), Half16(outW), Half16(outB),
            linearMean, mu, sigma, shown.Labels is null ? null : shown.Labels.AsSpan(0, n).ToArray(), ellipseIdx,
            anchorList, manifold, range, scale);
    }

    /// <summary>Title shown above the explorer.</summary>
    public string Title { get; }
    /// <summary>Image height in pixels.</summary>
    public int ImageHeight { get; }
    /// <summary>Image width in pixels.</summary>
    public int ImageWidth { get; }
    /// <summary>The decoder's hidden units H (2-H-D).</summary>
    public int HiddenSize { get; }
    /// <summary>Whether the decoder's mean is its output layer itself (a linear-mean Gaussian decoder) rather than that
    /// layer through a sigmoid.</summary>
    public bool LinearMean => _linearMean;
    /// <summary>The plane shows z₁, z₂ in [−Range, Range].</summary>
    public double Range { get; }
    /// <summary>Each decoded pixel is drawn ImageScale x ImageScale screen pixels.</summary>
    public int ImageScale { get; }
    /// <summary>Number of test points on the plane.</summary>
    public int PointCount => _mu.Length / 2;
    /// <summary>Posterior means of the points, <c>[PointCount, 2]</c> row-major.</summary>
    public IReadOnlyList<float> Means => _mu;
    /// <summary>Posterior standard deviations of the points, <c>[PointCount, 2]</c> row-major.</summary>
    public IReadOnlyList<float> Sigmas => _sigma;
    /// <summary>The static fallback: the Figure 4 manifold grid.</summary>
    public ImageGrid Manifold => _manifold;

    /// <summary>
    /// The decoder's mean at <paramref name="z1"/>, <paramref name="z2"/> computed from the float16 weights the page
    /// carries, in float64, in the page's order of operations: what the explorer draws for that z.
    /// </summary>
    public double[] DecodeAsShipped(double z1, double z2)
    {
        int h = HiddenSize, d = ImageHeight * ImageWidth;
        var a = new double[h];
        for (int j = 0; j < h; j++)
            a[j] = Math.Tanh(_b1[j] + (double)_w1[2 * j] * z1 + (double)_w1[2 * j + 1] * z2);
        var y = new double[d];
        for (int i = 0; i < d; i++)
        {
            double acc = _b2[i];
            int row = i * h;
            for (int j = 0; j < h; j++) acc += _w2[row + j] * a[j];
            y[i] = _linearMean ? acc : 1 / (1 + Math.Exp(-acc));
        }
        return y;
    }

    /// <summary>The explorer as an HTML fragment (a div and its script) for a notebook's text/html output.</summary>
    public string ToHtml() => _html ??= BuildHtml();

    /// <summary>The static fallback (the manifold) as base64 PNG.</summary>
    public string ToBase64Png() => _manifold.ToBase64Png();

    /// <summary>A complete page holding the explorer (for a browser, or a test).</summary>
    public string ToHtmlPage() =>
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + WebUtility.HtmlEncode(Title) +
        "</title>\n</head>\n<body style=\"margin:12px;background:#fff\">\n" + ToHtml() + "\n</body>\n</html>\n";

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"LatentExplorer '{Title}': {PointCount:N0} test points on z in [-{Range:0.#}, {Range:0.#}]², decoder 2-{HiddenSize}-{ImageHeight * ImageWidth} in the page (float16), {_anchors.Length} images to interpolate between; static view: {_manifold}");

    // ---- model access -------------------------------------------------------------------------

    /// <summary>The layers of the decoder's mean, and whether its mean function is the identity (else the
    /// sigmoid).</summary>
    private static (float[] W1, float[] B1, float[] W2, float[] B2, bool Linear) DecoderMeanLayers(
        Aevb.Models.Decoder decoder) => decoder switch
    {
        BernoulliMlpDecoder b => (b.Hidden.Weight.Value.Data, b.Hidden.Bias.Value.Data, b.Out.Weight.Value.Data,
            b.Out.Bias.Value.Data, false),
        GaussianMlpDecoder g => (g.Hidden.Weight.Value.Data, g.Hidden.Bias.Value.Data, g.Mu.Weight.Value.Data,
            g.Mu.Bias.Value.Data, g.MeanOutput == GaussianMean.Linear),
        _ => throw new ArgumentException($"LatentExplorer does not know the decoder {decoder.GetType().Name}."),
    };

    private static (float[] Mu, float[] Sigma) EncodeWithSigma(Vae model, Dataset data)
    {
        int n = data.Count, chunk = VaeExtensions.ChunkSize;
        var mu = new float[n * 2];
        var sigma = new float[n * 2];
        var x = new Tensor(chunk, model.InputSize);
        for (int start = 0; start < n; start += chunk)
        {
            int rows = Math.Min(chunk, n - start);
            Array.Clear(x.Data);
            data.X.AsSpan(start * model.InputSize, rows * model.InputSize).CopyTo(x.Data);
            var (m, logVar) = model.Encoder.Forward(x);
            for (int k = 0; k < rows * 2; k++)
            {
                mu[start * 2 + k] = m.Data[k];
                sigma[start * 2 + k] = MathF.Exp(0.5f * logVar.Data[k]);
            }
        }
        return (mu, sigma);
    }

    private static int[] PickAnchors(byte[]? labels, int n, int count)
    {
        if (count == 0) return [];
        if (labels is null)
            return Enumerable.Range(0, Math.Min(count, n)).Select(i => (int)((long)i * n / Math.Min(count, n))).ToArray();
        // The first image of each label, in label order, then more in order until count.
        var firsts = Enumerable.Range(0, n).GroupBy(i => labels[i]).OrderBy(g => g.Key).Select(g => g.First()).ToList();
        foreach (var i in Enumerable.Range(0, n))
        {
            if (firsts.Count >= count) break;
            if (!firsts.Contains(i)) firsts.Add(i);
        }
        return firsts.Take(count).ToArray();
    }

    private static float[] Half16(float[] values) => values.Select(v => (float)(Half)v).ToArray();

    // ---- page ---------------------------------------------------------------------------------

    /// <summary>float16 weights, low bytes then high bytes (they compress apart), zlib, base64.</summary>
    private string PackWeights()
    {
        var all = _w1.Concat(_b1).Concat(_w2).Concat(_b2).ToArray();
        var bytes = new byte[all.Length * 2];
        for (int i = 0; i < all.Length; i++)
        {
            var bits = BitConverter.HalfToUInt16Bits((Half)all[i]);
            bytes[i] = (byte)bits;
            bytes[all.Length + i] = (byte)(bits >> 8);
        }
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.SmallestSize, leaveOpen: true)) z.Write(bytes);
        return Convert.ToBase64String(ms.ToArray());
    }

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private string BuildHtml()
    {
        var anchorPng = _anchors.Select(a =>
        {
            var grey = a.Image.Select(v => (byte)MathF.Round(Math.Clamp(v, 0f, 1f) * 255f)).ToArray();
            return Convert.ToBase64String(Png.Encode(grey, ImageWidth, ImageHeight, PngColorType.Gray));
        }).ToArray();
        var sb = new StringBuilder();
        sb.Append("{\"h\":").Append(ImageHeight).Append(",\"w\":").Append(ImageWidth).Append(",\"hidden\":").Append(HiddenSize)
          .Append(",\"range\":").Append(F(Range)).Append(",\"scale\":").Append(ImageScale)
          .Append(",\"linear\":").Append(_linearMean ? "true" : "false")
          .Append(",\"weights\":\"").Append(PackWeights()).Append('"');
        // Points as flat arrays (3 decimals: far below a screen pixel of the plane).
        sb.Append(",\"mu\":[").AppendJoin(',', _mu.Select(v => F(v))).Append(']');
        sb.Append(",\"sigma\":[").AppendJoin(',', _ellipses.SelectMany(i => new[] { _sigma[2 * i], _sigma[2 * i + 1] }).Select(v => F(v))).Append(']');
        sb.Append(",\"ellipses\":[").AppendJoin(',', _ellipses).Append(']');
        sb.Append(",\"labels\":").Append(_labels is null ? "null" : "[" + string.Join(',', _labels) + "]");
        sb.Append(",\"palette\":").Append(JsonSerializer.Serialize(Chart.Palette));
        sb.Append(",\"anchors\":[").AppendJoin(',', _anchors.Select((a, k) =>
            $"{{\"index\":{a.Index},\"label\":{(_labels is null ? "null" : _labels[a.Index].ToString(CultureInfo.InvariantCulture))},\"png\":\"{anchorPng[k]}\"}}")).Append(']');
        sb.Append('}');
        var json = sb.ToString();
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)), 0, 8).ToLowerInvariant();
        int plane = 440, iw = ImageWidth * ImageScale, ih = ImageHeight * ImageScale;
        var title = WebUtility.HtmlEncode(Title);
        return $$"""
            <div class="aevb-explorer" data-aevb-explorer="{{key}}" style="font:13px/1.4 sans-serif;color:#222;max-width:{{plane + iw + 60}}px">
            <div style="font-weight:bold;margin-bottom:4px">{{title}}</div>
            <div class="static" style="color:#555">The interactive explorer needs scripts; without them this output's static image (image/png) is the Figure 4 manifold.</div>
            <div class="live" style="display:none">
            <div style="display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start">
            <canvas class="plane" width="{{plane}}" height="{{plane}}" style="border:1px solid #bbb;cursor:crosshair;touch-action:none" aria-label="latent plane"></canvas>
            <div>
            <canvas class="decoded" width="{{iw}}" height="{{ih}}" style="border:1px solid #bbb;image-rendering:pixelated;background:#000"></canvas>
            <div class="readout" style="font-family:monospace">move the pointer over the plane</div>
            <div class="key" style="max-width:{{iw + 40}}px"></div>
            </div>
            </div>
            <div class="interp" style="margin-top:8px">
            <div>Interpolate through z: click a test image for A, another for B, then move the slider.</div>
            <div class="anchors" style="display:flex;gap:3px;flex-wrap:wrap;margin:4px 0"></div>
            <div style="display:flex;gap:8px;align-items:center">
            <span>A</span><canvas class="interp-a" width="{{iw / 2}}" height="{{ih / 2}}" style="border:1px solid #bbb"></canvas>
            <input class="t" type="range" min="0" max="100" value="50" style="width:160px" aria-label="interpolation t">
            <canvas class="interp-b" width="{{iw / 2}}" height="{{ih / 2}}" style="border:1px solid #bbb"></canvas><span>B</span>
            <canvas class="interp-z" width="{{iw / 2}}" height="{{ih / 2}}" style="border:1px solid #bbb;margin-left:12px"></canvas>
            <span class="interp-readout" style="font-family:monospace"></span>
            </div>
            </div>
            </div>
            <div class="status" style="color:#a00"></div>
            </div>
            <script type="text/javascript">
            (function () {
              var cfg = {{json}};
              var key = "{{key}}";
              var roots = document.querySelectorAll('div[data-aevb-explorer="' + key + '"]');
              var registry = window.aevbExplorers = window.aevbExplorers || {};
              for (var r = 0; r < roots.length; r++) {
                if (roots[r].getAttribute('data-aevb-status')) continue;
                roots[r].setAttribute('data-aevb-status', 'loading');
                roots[r].querySelector('.static').style.display = 'none';
                roots[r].querySelector('.live').style.display = '';
                start(roots[r]);
              }
              function start(root) {
                function fail(e) { root.setAttribute('data-aevb-status', 'error'); root.querySelector('.status').textContent = 'The explorer could not start: ' + e + ' (the static manifold is in the image/png output).'; }
                if (typeof DecompressionStream === 'undefined') { fail('this browser has no DecompressionStream'); return; }
                var raw = atob(cfg.weights), bytes = new Uint8Array(raw.length);
                for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
                new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'))).arrayBuffer()
                  .then(function (buf) { run(root, unpack(new Uint8Array(buf))); }).catch(fail);
              }
              function half(b) {
                var s = b & 0x8000 ? -1 : 1, e = (b >> 10) & 31, f = b & 1023;
                if (e === 0) return s * f * Math.pow(2, -24);
                if (e === 31) return f ? NaN : s * Infinity;
                return s * (1 + f / 1024) * Math.pow(2, e - 15);
              }
              function unpack(b) {
                var n = b.length / 2, w = new Float64Array(n);
                for (var i = 0; i < n; i++) w[i] = half(b[i] | (b[n + i] << 8));
                var H = cfg.hidden, D = cfg.h * cfg.w, o = 0;
                var net = { w1: w.subarray(o, o += 2 * H), b1: w.subarray(o, o += H), w2: w.subarray(o, o += D * H), b2: w.subarray(o, o += D) };
                if (o !== n) throw new Error('weights: ' + n + ' values, expected ' + o);
                return net;
              }
              function run(root, net) {
                var H = cfg.hidden, D = cfg.h * cfg.w, R = cfg.range;
                var a = new Float64Array(H);
                function decode(z1, z2) {
                  for (var j = 0; j < H; j++) a[j] = Math.tanh(net.b1[j] + net.w1[2 * j] * z1 + net.w1[2 * j + 1] * z2);
                  var y = new Float64Array(D);
                  for (var i = 0; i < D; i++) {
                    var acc = net.b2[i], row = i * H;
                    for (var k = 0; k < H; k++) acc += net.w2[row + k] * a[k];
                    y[i] = cfg.linear ? acc : 1 / (1 + Math.exp(-acc));
                  }
                  return y;
                }
                function paint(canvas, y) {
                  var small = document.createElement('canvas'); small.width = cfg.w; small.height = cfg.h;
                  var sctx = small.getContext('2d'), img = sctx.createImageData(cfg.w, cfg.h);
                  for (var i = 0; i < D; i++) { var g = Math.round(Math.min(1, Math.max(0, y[i])) * 255); img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = g; img.data[4 * i + 3] = 255; }
                  sctx.putImageData(img, 0, 0);
                  var ctx = canvas.getContext('2d'); ctx.imageSmoothingEnabled = false;
                  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
                  return img.data;
                }
                var plane = root.querySelector('canvas.plane'), P = plane.width;
                function toPx(z1, z2) { return [(z1 + R) / (2 * R) * P, (R - z2) / (2 * R) * P]; }
                function toZ(px, py) { return [px / P * 2 * R - R, R - py / P * 2 * R]; }
                function colour(i) { return cfg.labels ? cfg.palette[cfg.labels[i] % cfg.palette.length] : '#1f77b4'; }
                var base = document.createElement('canvas'); base.width = base.height = P;
                (function drawBase() {
                  var c = base.getContext('2d');
                  c.fillStyle = '#fff'; c.fillRect(0, 0, P, P);
                  c.strokeStyle = '#eee'; c.lineWidth = 1;
                  for (var t = Math.ceil(-R); t <= R; t++) {
                    var p = toPx(t, t); c.beginPath(); c.moveTo(p[0], 0); c.lineTo(p[0], P); c.moveTo(0, p[1]); c.lineTo(P, p[1]); c.stroke();
                  }
                  c.strokeStyle = '#999'; var o = toPx(0, 0); c.beginPath(); c.moveTo(o[0], 0); c.lineTo(o[0], P); c.moveTo(0, o[1]); c.lineTo(P, o[1]); c.stroke();
                  c.beginPath(); c.strokeStyle = '#bbb'; c.setLineDash([4, 4]); c.arc(o[0], o[1], P / (2 * R), 0, 2 * Math.PI); c.arc(o[0], o[1], 2 * P / (2 * R), 0, 2 * Math.PI); c.stroke(); c.setLineDash([]);
                  c.fillStyle = '#666'; c.font = '10px sans-serif';
                  for (var t2 = Math.ceil(-R); t2 <= R; t2++) if (t2 !== 0) { var q = toPx(t2, t2); c.fillText(String(t2), q[0] + 2, o[1] - 2); c.fillText(String(t2), o[0] + 2, q[1] - 2); }
                  c.fillText('z\u2081', P - 14, o[1] - 4); c.fillText('z\u2082', o[0] + 4, 10);
                  c.globalAlpha = 0.7;
                  for (var i = 0; i < cfg.mu.length / 2; i++) { var p2 = toPx(cfg.mu[2 * i], cfg.mu[2 * i + 1]); c.fillStyle = colour(i); c.fillRect(p2[0] - 1.5, p2[1] - 1.5, 3, 3); }
                  c.globalAlpha = 1; c.lineWidth = 1.2;
                  for (var e = 0; e < cfg.ellipses.length; e++) {
                    var k = cfg.ellipses[e], m = toPx(cfg.mu[2 * k], cfg.mu[2 * k + 1]);
                    c.strokeStyle = colour(k); c.beginPath();
                    c.ellipse(m[0], m[1], Math.max(0.5, cfg.sigma[2 * e] * P / (2 * R)), Math.max(0.5, cfg.sigma[2 * e + 1] * P / (2 * R)), 0, 0, 2 * Math.PI); c.stroke();
                  }
                })();
                var keyDiv = root.querySelector('.key');
                if (cfg.labels) {
                  var seen = {}; cfg.labels.forEach(function (l) { seen[l] = 1; });
                  keyDiv.innerHTML = Object.keys(seen).map(function (l) { return '<span style="white-space:nowrap;margin-right:6px"><span style="display:inline-block;width:9px;height:9px;background:' + cfg.palette[l % cfg.palette.length] + '"></span> ' + l + '</span>'; }).join('');
                }
                keyDiv.insertAdjacentHTML('beforeend', '<div style="color:#555">dots: \u03bc(x) of ' + cfg.mu.length / 2 + ' test images; ellipses: \u00b1\u03c3(x) of ' + cfg.ellipses.length + '; dashed circles: 1 and 2 sd of the prior N(0, I)</div>');
                var decodedCanvas = root.querySelector('canvas.decoded'), readout = root.querySelector('.readout');
                var state = { z: null, pixels: null, path: null };
                function redraw() {
                  var c = plane.getContext('2d'); c.drawImage(base, 0, 0);
                  if (state.path) {
                    var pa = toPx(state.path[0], state.path[1]), pb = toPx(state.path[2], state.path[3]), pt = toPx(state.path[4], state.path[5]);
                    c.strokeStyle = '#000'; c.lineWidth = 2; c.beginPath(); c.moveTo(pa[0], pa[1]); c.lineTo(pb[0], pb[1]); c.stroke();
                    c.fillStyle = '#000'; c.beginPath(); c.arc(pt[0], pt[1], 4, 0, 2 * Math.PI); c.fill();
                  }
                  if (state.z) {
                    var p = toPx(state.z[0], state.z[1]);
                    c.strokeStyle = '#d62728'; c.lineWidth = 2; c.beginPath(); c.moveTo(p[0] - 8, p[1]); c.lineTo(p[0] + 8, p[1]); c.moveTo(p[0], p[1] - 8); c.lineTo(p[0], p[1] + 8); c.stroke();
                  }
                }
                function show(z1, z2) {
                  var y = decode(z1, z2);
                  state.z = [z1, z2]; state.y = y; state.pixels = paint(decodedCanvas, y);
                  readout.textContent = 'z = (' + z1.toFixed(3) + ', ' + z2.toFixed(3) + ')';
                  root.setAttribute('data-aevb-z', z1 + ',' + z2);
                  redraw();
                }
                function pointer(ev) {
                  var r = plane.getBoundingClientRect();
                  var z = toZ((ev.clientX - r.left) * P / r.width, (ev.clientY - r.top) * P / r.height);
                  show(z[0], z[1]);
                }
                plane.addEventListener('mousemove', pointer);
                plane.addEventListener('pointerdown', pointer);
                // Interpolation between two test images, through their posterior means.
                var anchorsDiv = root.querySelector('.anchors'), chosen = [0, farthest()], next = 0;
                // B starts as the test image whose code is farthest from A's, so the first path crosses the plane.
                function farthest() {
                  var best = 0, d = -1, a = cfg.anchors.length ? cfg.anchors[0].index : 0;
                  cfg.anchors.forEach(function (an, k) { var dx = cfg.mu[2 * an.index] - cfg.mu[2 * a], dy = cfg.mu[2 * an.index + 1] - cfg.mu[2 * a + 1]; if (dx * dx + dy * dy > d) { d = dx * dx + dy * dy; best = k; } });
                  return best;
                }
                var slider = root.querySelector('input.t'), interpZ = root.querySelector('canvas.interp-z'), interpReadout = root.querySelector('.interp-readout');
                var thumbs = cfg.anchors.map(function (an, k) {
                  var im = new Image(); im.src = 'data:image/png;base64,' + an.png; im.width = cfg.w; im.height = cfg.h;
                  im.title = 'test image ' + an.index + (an.label === null ? '' : ' (label ' + an.label + ')');
                  im.style.cssText = 'image-rendering:pixelated;cursor:pointer;border:2px solid transparent;width:' + cfg.w * 1.5 + 'px;height:' + cfg.h * 1.5 + 'px';
                  im.addEventListener('click', function () { chosen[next] = k; next = 1 - next; interpolate(); });
                  anchorsDiv.appendChild(im);
                  return im;
                });
                function drawThumb(canvas, k) {
                  var ctx = canvas.getContext('2d'); ctx.imageSmoothingEnabled = false;
                  var im = thumbs[k];
                  if (im.complete) ctx.drawImage(im, 0, 0, canvas.width, canvas.height); else im.onload = function () { ctx.drawImage(im, 0, 0, canvas.width, canvas.height); };
                }
                function interpolate() {
                  if (!cfg.anchors.length) return;
                  var A = cfg.anchors[chosen[0]].index, B = cfg.anchors[chosen[1]].index, t = slider.value / 100;
                  thumbs.forEach(function (im, k) { im.style.borderColor = k === chosen[0] ? '#1f77b4' : k === chosen[1] ? '#ff7f0e' : 'transparent'; });
                  var za = [cfg.mu[2 * A], cfg.mu[2 * A + 1]], zb = [cfg.mu[2 * B], cfg.mu[2 * B + 1]];
                  var z1 = (1 - t) * za[0] + t * zb[0], z2 = (1 - t) * za[1] + t * zb[1];
                  drawThumb(root.querySelector('canvas.interp-a'), chosen[0]); drawThumb(root.querySelector('canvas.interp-b'), chosen[1]);
                  paint(interpZ, decode(z1, z2));
                  interpReadout.textContent = 't = ' + t.toFixed(2) + ', z = (' + z1.toFixed(2) + ', ' + z2.toFixed(2) + ')';
                  state.path = [za[0], za[1], zb[0], zb[1], z1, z2];
                  redraw();
                }
                slider.addEventListener('input', interpolate);
                interpolate();
                show(0, 0);
                // For tests and the curious: the page's own decoder and what it drew last.
                registry[key] = { root: root, w: cfg.w, h: cfg.h, range: R, decode: decode, toPx: toPx, toZ: toZ, state: state, planeSize: P, show: show };
                root.setAttribute('data-aevb-status', 'ready');
              }
            })();
            </script>
            """;
    }
}
