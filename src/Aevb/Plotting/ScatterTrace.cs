using System.Collections.Immutable;
using System.Text.Json;

namespace Aevb.Plotting;

/// <summary>How a scatter trace draws its points.</summary>
public enum ScatterMode
{
    /// <summary>Connected lines.</summary>
    Lines,
    /// <summary>Markers only.</summary>
    Markers,
    /// <summary>Lines with a marker at each point.</summary>
    LinesAndMarkers,
}

/// <summary>Line dash pattern.</summary>
public enum LineDash
{
    /// <summary>Solid line.</summary>
    Solid,
    /// <summary>Dashed line.</summary>
    Dash,
    /// <summary>Dotted line.</summary>
    Dot,
    /// <summary>Dash-dot line.</summary>
    DashDot,
}

/// <summary>Area filling of a scatter trace.</summary>
public enum Fill
{
    /// <summary>No fill.</summary>
    None,
    /// <summary>Fill down to y = 0.</summary>
    ToZeroY,
    /// <summary>Fill to the previous trace (plotly's 'tonexty'); error bands use it.</summary>
    ToNextY,
}

/// <summary>A line or scatter trace (plotly "scatter").</summary>
public sealed record ScatterTrace : Trace
{
    /// <summary>Creates a trace through the points (x[i], y[i]); non-finite values become gaps.</summary>
    public ScatterTrace(ImmutableArray<double> x, ImmutableArray<double> y)
    {
        NumericData.SameLength(x, y, "ScatterTrace");
        X = x;
        Y = y;
    }

    /// <inheritdoc/>
    public override string Type => "scatter";
    /// <summary>X values.</summary>
    public ImmutableArray<double> X { get; }
    /// <summary>Y values.</summary>
    public ImmutableArray<double> Y { get; }
    /// <summary>Lines, markers or both.</summary>
    public ScatterMode Mode { get; init; } = ScatterMode.Lines;
    /// <summary>Line width in pixels.</summary>
    public double? LineWidth { get; init; }
    /// <summary>Line dash pattern.</summary>
    public LineDash? Dash { get; init; }
    /// <summary>Marker diameter in pixels.</summary>
    public double? MarkerSize { get; init; }

    /// <summary>plotly.js marker symbol name (e.g. <c>x</c>, <c>diamond-open</c>); null for the default circle.</summary>
    public string? MarkerSymbol { get; init; }
    /// <summary>Per-point values mapped through <see cref="Colorscale"/> to colour the markers.</summary>
    public ImmutableArray<double>? MarkerValues { get; init; }
    /// <summary>Colour scale name for <see cref="MarkerValues"/> (e.g. "Viridis").</summary>
    public string? Colorscale { get; init; }
    /// <summary>Area fill.</summary>
    public Fill Fill { get; init; } = Fill.None;
    /// <summary>Fill colour; null uses the trace colour at <see cref="FillOpacity"/>.</summary>
    public string? FillColor { get; init; }
    /// <summary>Opacity of the default fill colour (an error band's shade); ignored when <see cref="FillColor"/> is set.</summary>
    public double FillOpacity { get; init; } = 0.5;
    /// <summary>Trace opacity in [0, 1].</summary>
    public double? Opacity { get; init; }
    /// <summary>Excludes the trace from hover labels (error-band edges).</summary>
    public bool SkipHover { get; init; }

    /// <summary>Text shown on hover beside the point's coordinates (the same for every point).</summary>
    public string? HoverText { get; init; }

    private protected override void WriteProperties(Utf8JsonWriter w, string? color)
    {
        w.WriteString("mode", Mode switch
        {
            ScatterMode.Markers => "markers",
            ScatterMode.LinesAndMarkers => "lines+markers",
            _ => "lines",
        });
        PlotlyJson.WriteArray(w, "x", X);
        PlotlyJson.WriteArray(w, "y", Y);
        if (Mode != ScatterMode.Markers && (color is not null || LineWidth is not null || Dash is not null))
        {
            w.WriteStartObject("line");
            if (color is not null) w.WriteString("color", color);
            if (LineWidth is { } width) PlotlyJson.WriteNumber(w, "width", width);
            if (Dash is { } dash) w.WriteString("dash", dash switch
            {
                LineDash.Dash => "dash",
                LineDash.Dot => "dot",
                LineDash.DashDot => "dashdot",
                _ => "solid",
            });
            w.WriteEndObject();
        }
        if (Mode != ScatterMode.Lines && (color is not null || MarkerSize is not null || MarkerValues is not null || MarkerSymbol is not null))
        {
            w.WriteStartObject("marker");
            if (MarkerValues is { } values)
            {
                PlotlyJson.WriteArray(w, "color", values);
                w.WriteString("colorscale", Colorscale ?? "Viridis");
                w.WriteBoolean("showscale", true);
            }
            else if (color is not null) w.WriteString("color", color);
            if (MarkerSize is { } size) PlotlyJson.WriteNumber(w, "size", size);
            if (MarkerSymbol is not null) w.WriteString("symbol", MarkerSymbol);
            w.WriteEndObject();
        }
        if (Fill != Fill.None)
        {
            w.WriteString("fill", Fill == Fill.ToNextY ? "tonexty" : "tozeroy");
            // plotly.js paints a 'tonexty' fill in the layer of the trace below, so trace opacity
            // does not reach it: the translucency has to be in the colour itself.
            if (FillColor is not null) w.WriteString("fillcolor", FillColor);
            else if (color is not null)
                w.WriteString("fillcolor", CssColor.TryWithAlpha(color, FillOpacity, out var rgba) ? rgba : color);
        }
        if (Opacity is { } opacity) PlotlyJson.WriteNumber(w, "opacity", opacity);
        if (SkipHover) w.WriteString("hoverinfo", "skip");
        else if (HoverText is not null) w.WriteString("text", HoverText);
    }

    internal override string Describe() =>
        $"{(Mode == ScatterMode.Markers ? "scatter" : "line")} '{Name ?? "(unnamed)"}' with {X.Length} points";
}
