using System.Collections.Immutable;
using System.Text.Json;

namespace Aevb.Plotting;

/// <summary>What a histogram's bar heights mean.</summary>
public enum HistogramNorm
{
    /// <summary>Number of values in the bin.</summary>
    Count,
    /// <summary>Fraction of all values in the bin (bars sum to 1).</summary>
    Probability,
    /// <summary>Probability density (bar areas sum to 1), comparable with a pdf curve.</summary>
    Density,
}

/// <summary>A histogram of one set of values (plotly "histogram").</summary>
public sealed record HistogramTrace : Trace
{
    /// <summary>Creates a histogram of <paramref name="values"/>; non-finite values are ignored by plotly.js.</summary>
    public HistogramTrace(ImmutableArray<double> values) => Values = values;

    /// <inheritdoc/>
    public override string Type => "histogram";
    /// <summary>The values to bin.</summary>
    public ImmutableArray<double> Values { get; }
    /// <summary>Exact number of equal-width bins spanning [min, max]; null lets plotly.js choose.</summary>
    public int? Bins { get; init; }
    /// <summary>Meaning of the bar heights.</summary>
    public HistogramNorm Normalization { get; init; } = HistogramNorm.Count;
    /// <summary>Bar opacity; overlaid histograms default to 0.6.</summary>
    public double? Opacity { get; init; }

    private protected override void WriteProperties(Utf8JsonWriter w, string? color)
    {
        PlotlyJson.WriteArray(w, "x", Values);
        if (Bins is { } bins && BinEdges(bins) is { } edges)
        {
            // Explicit edges: plotly.js treats nbinsx only as a hint, and a notebook comparing
            // two estimators' histograms needs the bins it asked for.
            w.WriteStartObject("xbins");
            PlotlyJson.WriteNumber(w, "start", edges.Start);
            PlotlyJson.WriteNumber(w, "end", edges.End);
            PlotlyJson.WriteNumber(w, "size", edges.Size);
            w.WriteEndObject();
            w.WriteBoolean("autobinx", false);
        }
        switch (Normalization)
        {
            case HistogramNorm.Probability: w.WriteString("histnorm", "probability"); break;
            case HistogramNorm.Density: w.WriteString("histnorm", "probability density"); break;
        }
        if (color is not null)
        {
            w.WriteStartObject("marker");
            w.WriteString("color", color);
            w.WriteEndObject();
        }
        if (Opacity is { } opacity) PlotlyJson.WriteNumber(w, "opacity", opacity);
    }

    /// <summary>Edges of <paramref name="bins"/> equal bins covering every finite value, or null if there are none.</summary>
    internal (double Start, double End, double Size)? BinEdges(int bins)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in Values)
        {
            if (!double.IsFinite(v)) continue;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        if (min > max) return null;
        if (min == max) { min -= 0.5; max += 0.5; }
        // Widen the bin a hair so the maximum falls inside the last bin, not on its open edge.
        double size = (max - min) / bins * (1 + 1e-9);
        return (min, min + size * bins, size);
    }

    internal override string Describe() =>
        $"histogram '{Name ?? "(unnamed)"}' of {Values.Length} values{(Bins is { } b ? $" in {b} bins" : "")}";
}
