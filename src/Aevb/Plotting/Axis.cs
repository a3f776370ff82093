using System.Text.Json;

namespace Aevb.Plotting;

/// <summary>How an axis maps values to positions.</summary>
public enum AxisType
{
    /// <summary>Let plotly.js decide (linear for numbers).</summary>
    Auto,
    /// <summary>Linear scale.</summary>
    Linear,
    /// <summary>Base-10 logarithmic scale (values must be positive).</summary>
    Log,
}

/// <summary>
/// Settings of one x or y axis. Every property is optional: null means "plotly.js default",
/// and <see cref="MergedWith"/> lets later settings override only what they set.
/// Ranges are given in data units, also on log axes (we convert to plotly's log10 units).
/// </summary>
public sealed record Axis
{
    /// <summary>Axis title text.</summary>
    public string? Title { get; init; }
    /// <summary>Scale type; null or <see cref="AxisType.Auto"/> leaves it to plotly.js.</summary>
    public AxisType? Type { get; init; }
    /// <summary>Lower end of the visible range, in data units.</summary>
    public double? Min { get; init; }
    /// <summary>Upper end of the visible range, in data units.</summary>
    public double? Max { get; init; }
    /// <summary>Whether grid lines are drawn.</summary>
    public bool? ShowGrid { get; init; }
    /// <summary>Whether the line at zero is drawn.</summary>
    public bool? ZeroLine { get; init; }
    /// <summary>Runs the axis the other way (handy for heatmaps of images: row 0 on top).</summary>
    public bool? Reversed { get; init; }
    /// <summary>A d3-format tick format such as ".2f" or ".1e".</summary>
    public string? TickFormat { get; init; }
    /// <summary>Whether tick labels are shown (grids with shared axes hide the inner ones).</summary>
    public bool? ShowTickLabels { get; init; }

    // Subplot placement, set by Chart.Grid only.
    internal (double Start, double End)? Domain { get; init; }
    internal int? Anchor { get; init; }
    internal int? Matches { get; init; }

    /// <summary>This axis with every non-null setting of <paramref name="other"/> applied on top.</summary>
    public Axis MergedWith(Axis? other) => other is null ? this : new Axis
    {
        Title = other.Title ?? Title,
        Type = other.Type ?? Type,
        Min = other.Min ?? Min,
        Max = other.Max ?? Max,
        ShowGrid = other.ShowGrid ?? ShowGrid,
        ZeroLine = other.ZeroLine ?? ZeroLine,
        Reversed = other.Reversed ?? Reversed,
        TickFormat = other.TickFormat ?? TickFormat,
        ShowTickLabels = other.ShowTickLabels ?? ShowTickLabels,
        Domain = other.Domain ?? Domain,
        Anchor = other.Anchor ?? Anchor,
        Matches = other.Matches ?? Matches,
    };

    internal void Validate(string axisName)
    {
        if (Type == AxisType.Log && ((Min is { } lo && !(lo > 0)) || (Max is { } hi && !(hi > 0))))
            throw new ArgumentException($"{axisName}: a log axis needs a positive range, got [{Min}, {Max}].");
        if (Min is { } a && Max is { } b && !(a < b))
            throw new ArgumentException($"{axisName}: range minimum {a} must be below maximum {b}.");
        if (Min is { } m && !double.IsFinite(m) || Max is { } M && !double.IsFinite(M))
            throw new ArgumentException($"{axisName}: range ends must be finite numbers, got [{Min}, {Max}].");
    }

    internal void WriteJson(Utf8JsonWriter w, char letter)
    {
        w.WriteStartObject();
        if (Title is not null)
        {
            w.WriteStartObject("title");
            w.WriteString("text", Title);
            w.WriteEndObject();
        }
        if (Type is AxisType.Linear) w.WriteString("type", "linear");
        else if (Type is AxisType.Log) w.WriteString("type", "log");
        if (Min is not null || Max is not null)
        {
            bool log = Type == AxisType.Log;
            if (Min is not null && Max is not null)
            {
                w.WriteStartArray("range");
                PlotlyJson.WriteNumber(w, log ? Math.Log10(Min.Value) : Min.Value);
                PlotlyJson.WriteNumber(w, log ? Math.Log10(Max.Value) : Max.Value);
                w.WriteEndArray();
                if (Reversed == true) w.WriteString("autorange", "reversed");
            }
            else
            {
                // One end fixed, the other automatic (plotly.js >= 2.x understands null ends with autorange).
                w.WriteStartArray("range");
                if (Min is { } lo) PlotlyJson.WriteNumber(w, log ? Math.Log10(lo) : lo); else w.WriteNullValue();
                if (Max is { } hi) PlotlyJson.WriteNumber(w, log ? Math.Log10(hi) : hi); else w.WriteNullValue();
                w.WriteEndArray();
                w.WriteString("autorange", (Min is null ? "min" : "max") + (Reversed == true ? " reversed" : ""));
            }
        }
        else if (Reversed == true) w.WriteString("autorange", "reversed");
        if (ShowGrid is { } grid) w.WriteBoolean("showgrid", grid);
        if (ZeroLine is { } zero) w.WriteBoolean("zeroline", zero);
        if (TickFormat is not null) w.WriteString("tickformat", TickFormat);
        if (ShowTickLabels is { } labels) w.WriteBoolean("showticklabels", labels);
        if (Domain is { } d)
        {
            w.WriteStartArray("domain");
            PlotlyJson.WriteNumber(w, Math.Round(d.Start, 6));
            PlotlyJson.WriteNumber(w, Math.Round(d.End, 6));
            w.WriteEndArray();
        }
        char other = letter == 'x' ? 'y' : 'x';
        if (Anchor is { } anchor) w.WriteString("anchor", PlotlyJson.AxisId(other, anchor));
        if (Matches is { } matches) w.WriteString("matches", PlotlyJson.AxisId(letter, matches));
        w.WriteEndObject();
    }
}
