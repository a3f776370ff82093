using System.Collections.Immutable;
using System.Text.Json;

namespace Aevb.Plotting;

/// <summary>
/// A trace drawn from a matrix of z values (heatmap, contour): <c>Z[row][col]</c> sits at
/// (<c>X[col]</c>, <c>Y[row]</c>), row 0 at the bottom unless the y axis is reversed.
/// </summary>
public abstract record MatrixTrace : Trace
{
    private protected MatrixTrace(ImmutableArray<ImmutableArray<double>> z, ImmutableArray<double>? x, ImmutableArray<double>? y)
    {
        int cols = z.Length == 0 ? 0 : z[0].Length;
        if (z.Any(row => row.Length != cols))
            throw new ArgumentException($"{GetType().Name}: z must be rectangular.");
        if (x is { } xs && xs.Length != cols)
            throw new ArgumentException($"{GetType().Name}: x has {xs.Length} values but z has {cols} columns.");
        if (y is { } ys && ys.Length != z.Length)
            throw new ArgumentException($"{GetType().Name}: y has {ys.Length} values but z has {z.Length} rows.");
        Z = z;
        X = x;
        Y = y;
    }

    /// <summary>Rows of z values.</summary>
    public ImmutableArray<ImmutableArray<double>> Z { get; }
    /// <summary>Column coordinates; null means 0, 1, 2, ...</summary>
    public ImmutableArray<double>? X { get; }
    /// <summary>Row coordinates; null means 0, 1, 2, ...</summary>
    public ImmutableArray<double>? Y { get; }
    /// <summary>Plotly colour scale name ("Viridis", "Greys", "RdBu", ...).</summary>
    public string Colorscale { get; init; } = "Viridis";
    /// <summary>Reverses the colour scale (e.g. "Greys" reversed shows 1 as white).</summary>
    public bool ReverseScale { get; init; }
    /// <summary>Value mapped to the low end of the colour scale; null = data minimum.</summary>
    public double? ZMin { get; init; }
    /// <summary>Value mapped to the high end of the colour scale; null = data maximum.</summary>
    public double? ZMax { get; init; }
    /// <summary>Whether the colour bar is drawn.</summary>
    public bool ShowScale { get; init; } = true;
    /// <summary>Colour bar title.</summary>
    public string? ColorBarTitle { get; init; }

    internal override bool TakesPaletteColor => false;

    private protected void WriteMatrix(Utf8JsonWriter w)
    {
        w.WriteStartArray("z");
        foreach (var row in Z) PlotlyJson.WriteArray(w, row);
        w.WriteEndArray();
        if (X is { } x) PlotlyJson.WriteArray(w, "x", x);
        if (Y is { } y) PlotlyJson.WriteArray(w, "y", y);
        w.WriteString("colorscale", Colorscale);
        if (ReverseScale) w.WriteBoolean("reversescale", true);
        if (ZMin is { } zmin) PlotlyJson.WriteNumber(w, "zmin", zmin);
        if (ZMax is { } zmax) PlotlyJson.WriteNumber(w, "zmax", zmax);
        w.WriteBoolean("showscale", ShowScale);
        if (ShowScale) WriteColorBar(w, ColorBarTitle);
    }

    private protected string Shape => $"{Z.Length}x{(Z.Length == 0 ? 0 : Z[0].Length)}";
}

/// <summary>A heatmap (plotly "heatmap").</summary>
public sealed record HeatmapTrace : MatrixTrace
{
    /// <summary>Creates a heatmap of <paramref name="z"/> (rows) at optional coordinates.</summary>
    public HeatmapTrace(ImmutableArray<ImmutableArray<double>> z, ImmutableArray<double>? x = null, ImmutableArray<double>? y = null)
        : base(z, x, y) { }

    /// <inheritdoc/>
    public override string Type => "heatmap";

    private protected override void WriteProperties(Utf8JsonWriter w, string? color) => WriteMatrix(w);

    internal override string Describe() => $"heatmap '{Name ?? "(unnamed)"}' {Shape}";
}

/// <summary>A contour plot (plotly "contour").</summary>
public sealed record ContourTrace : MatrixTrace
{
    /// <summary>Creates contours of <paramref name="z"/> (rows) at optional coordinates.</summary>
    public ContourTrace(ImmutableArray<ImmutableArray<double>> z, ImmutableArray<double>? x = null, ImmutableArray<double>? y = null)
        : base(z, x, y) { }

    /// <inheritdoc/>
    public override string Type => "contour";
    /// <summary>Maximum number of contour levels (plotly's ncontours); null lets plotly.js choose.</summary>
    public int? Levels { get; init; }
    /// <summary>Writes the level value on each contour line.</summary>
    public bool ShowLabels { get; init; }
    /// <summary>Fills between contours (true) or draws coloured lines only (false).</summary>
    public bool Filled { get; init; } = true;

    private protected override void WriteProperties(Utf8JsonWriter w, string? color)
    {
        WriteMatrix(w);
        if (Levels is { } levels) w.WriteNumber("ncontours", levels);
        if (ShowLabels || !Filled)
        {
            w.WriteStartObject("contours");
            if (!Filled) w.WriteString("coloring", "lines");
            if (ShowLabels) w.WriteBoolean("showlabels", true);
            w.WriteEndObject();
        }
    }

    internal override string Describe() => $"contour '{Name ?? "(unnamed)"}' {Shape}";
}
