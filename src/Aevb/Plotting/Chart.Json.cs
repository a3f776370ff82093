using System.Text.Json;

namespace Aevb.Plotting;

// Serialisation to plotly.js JSON: {"data": [...], "layout": {...}, "config": {...}}, the
// arguments of Plotly.newPlot. Property order is fixed, so a chart always gives the same text.
public sealed partial class Chart
{
    /// <summary>
    /// The figure as plotly.js JSON: an object with "data" (the traces), "layout" and "config",
    /// ready for <c>Plotly.newPlot(div, fig.data, fig.layout, fig.config)</c>. Compact and
    /// deterministic; NaN and infinities are written as null (a gap).
    /// </summary>
    public string ToJson() => _json ??= PlotlyJson.Write(WriteFigure);

    /// <summary>The figure JSON, indented for reading.</summary>
    public string ToJson(bool indented)
    {
        if (!indented) return ToJson();
        using var doc = JsonDocument.Parse(ToJson());
        return JsonSerializer.Serialize(doc.RootElement, new JsonSerializerOptions { WriteIndented = true });
    }

    private void WriteFigure(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WritePropertyName("data");
        WriteData(w);
        w.WritePropertyName("layout");
        WriteLayout(w);
        w.WriteStartObject("config");
        w.WriteBoolean("responsive", true);
        w.WriteBoolean("displaylogo", false);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private bool OverlaidHistograms => _state.Traces.Count(t => t is HistogramTrace) > 1;

    private void WriteData(Utf8JsonWriter w)
    {
        // Colours are resolved here rather than left to plotly.js so that an error band's edges,
        // fill and line share one colour while still taking just one slot of the palette.
        var assigned = new Dictionary<object, string>(ReferenceEqualityComparer.Instance);
        bool overlay = OverlaidHistograms;
        w.WriteStartArray();
        foreach (var trace in _state.Traces)
        {
            string? color = trace.Color;
            if (color is null && trace.TakesPaletteColor)
            {
                var key = trace.ColorKey ?? trace;
                if (!assigned.TryGetValue(key, out color))
                {
                    color = Palette[assigned.Count % Palette.Count];
                    assigned[key] = color;
                }
            }
            var t = overlay && trace is HistogramTrace { Opacity: null } h ? h with { Opacity = 0.6 } : trace;
            t.WriteJson(w, color);
        }
        w.WriteEndArray();
    }

    private void WriteLayout(Utf8JsonWriter w)
    {
        var s = _state;
        w.WriteStartObject();
        if (s.Title is not null)
        {
            w.WriteStartObject("title");
            w.WriteString("text", s.Title);
            w.WriteEndObject();
        }
        if (s.Width is { } width) w.WriteNumber("width", width);
        if (s.Height is { } height) w.WriteNumber("height", height);
        // Without a title plotly.js still reserves 100 px on top; keep just room for subplot titles.
        if (s.Title is null)
        {
            w.WriteStartObject("margin");
            w.WriteNumber("t", s.SubplotTitles.IsEmpty ? 30 : 50);
            w.WriteEndObject();
        }
        if (s.ShowLegend is { } show) w.WriteBoolean("showlegend", show);
        if (s.Legend is { } position and not LegendPosition.Right) WriteLegend(w, position);
        if (OverlaidHistograms) w.WriteString("barmode", "overlay");

        var xs = s.XAxes.IsEmpty ? [new(1, new Axis())] : s.XAxes.ToArray();
        var ys = s.YAxes.IsEmpty ? [new(1, new Axis())] : s.YAxes.ToArray();
        foreach (var (i, axis) in xs)
        {
            w.WritePropertyName(PlotlyJson.AxisKey('x', i));
            axis.WriteJson(w, 'x');
        }
        foreach (var (i, axis) in ys)
        {
            w.WritePropertyName(PlotlyJson.AxisKey('y', i));
            axis.WriteJson(w, 'y');
        }

        if (!s.SubplotTitles.IsEmpty)
        {
            w.WriteStartArray("annotations");
            foreach (var t in s.SubplotTitles)
            {
                w.WriteStartObject();
                w.WriteString("text", t.Text);
                w.WriteNumber("x", Math.Round(t.X, 6));
                w.WriteNumber("y", Math.Round(t.Y, 6));
                w.WriteString("xref", "paper");
                w.WriteString("yref", "paper");
                w.WriteString("xanchor", "center");
                w.WriteString("yanchor", "bottom");
                w.WriteBoolean("showarrow", false);
                w.WriteStartObject("font");
                w.WriteNumber("size", 14);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteLegend(Utf8JsonWriter w, LegendPosition position)
    {
        w.WriteStartObject("legend");
        (double x, double y, string xanchor, string yanchor, bool horizontal) = position switch
        {
            LegendPosition.Top => (0.0, 1.02, "left", "bottom", true),
            LegendPosition.Bottom => (0.0, -0.2, "left", "top", true),
            LegendPosition.InsideTopLeft => (0.01, 0.99, "left", "top", false),
            LegendPosition.InsideBottomRight => (0.99, 0.01, "right", "bottom", false),
            LegendPosition.InsideBottomLeft => (0.01, 0.01, "left", "bottom", false),
            _ => (0.99, 0.99, "right", "top", false),
        };
        if (horizontal) w.WriteString("orientation", "h");
        w.WriteNumber("x", x);
        w.WriteNumber("y", y);
        w.WriteString("xanchor", xanchor);
        w.WriteString("yanchor", yanchor);
        if (!horizontal) w.WriteString("bgcolor", "rgba(255,255,255,0.7)");
        w.WriteEndObject();
    }
}
