using System.Text.Json;

namespace Aevb.Plotting;

/// <summary>
/// One plotly.js trace. Concrete traces are immutable records: change one with a
/// <c>with</c> expression or through <see cref="Chart"/>'s factory parameters.
/// </summary>
public abstract record Trace
{
    /// <summary>The plotly.js trace type ("scatter", "histogram", ...).</summary>
    public abstract string Type { get; }

    /// <summary>Legend and hover name.</summary>
    public string? Name { get; init; }

    /// <summary>Whether the trace gets a legend entry; null leaves it to plotly.js.</summary>
    public bool? ShowLegend { get; init; }

    /// <summary>Traces in one legend group toggle together when the entry is clicked.</summary>
    public string? LegendGroup { get; init; }

    /// <summary>CSS colour; null picks the next colour of the palette when the chart is serialised.</summary>
    public string? Color { get; init; }

    /// <summary>Which subplot axes the trace uses (1 = "x"/"y", 2 = "x2"/"y2", ...).</summary>
    internal int XAxisIndex { get; init; } = 1;
    internal int YAxisIndex { get; init; } = 1;

    /// <summary>Traces sharing a colour key get the same automatic colour (an error band and its line).</summary>
    internal object? ColorKey { get; init; }

    /// <summary>Whether the trace is drawn in one colour (and so takes one from the palette).</summary>
    internal virtual bool TakesPaletteColor => true;

    /// <summary>Colour-bar placement for heatmaps and contours inside grids.</summary>
    internal (double X, double Y, double Length)? ColorBar { get; init; }

    internal void WriteJson(Utf8JsonWriter w, string? color)
    {
        w.WriteStartObject();
        w.WriteString("type", Type);
        if (Name is not null) w.WriteString("name", Name);
        if (ShowLegend is { } show) w.WriteBoolean("showlegend", show);
        if (LegendGroup is not null) w.WriteString("legendgroup", LegendGroup);
        if (XAxisIndex != 1) w.WriteString("xaxis", PlotlyJson.AxisId('x', XAxisIndex));
        if (YAxisIndex != 1) w.WriteString("yaxis", PlotlyJson.AxisId('y', YAxisIndex));
        WriteProperties(w, color);
        w.WriteEndObject();
    }

    /// <summary>Writes the type-specific properties; <paramref name="color"/> is the resolved colour (or null).</summary>
    private protected abstract void WriteProperties(Utf8JsonWriter w, string? color);

    private protected void WriteColorBar(Utf8JsonWriter w, string? title)
    {
        if (ColorBar is null && title is null) return;
        w.WriteStartObject("colorbar");
        if (title is not null)
        {
            w.WriteStartObject("title");
            w.WriteString("text", title);
            w.WriteEndObject();
        }
        if (ColorBar is { } bar)
        {
            w.WriteNumber("x", Math.Round(bar.X, 6));
            w.WriteNumber("y", Math.Round(bar.Y, 6));
            w.WriteNumber("len", Math.Round(bar.Length, 6));
            w.WriteNumber("thickness", 12);
        }
        w.WriteEndObject();
    }

    /// <summary>A one-line description for text/plain output.</summary>
    internal abstract string Describe();
}
