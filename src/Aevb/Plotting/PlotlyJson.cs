using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace Aevb.Plotting;

/// <summary>
/// Writing helpers shared by traces and layout. Numbers go through <see cref="Utf8JsonWriter"/>,
/// which formats culture-invariantly in the shortest round-trip form, so the same chart always
/// gives the same bytes. JSON has no NaN or Infinity: those become null, which plotly.js
/// draws as a gap.
/// </summary>
internal static class PlotlyJson
{
    /// <summary>Writer options: compact, and the default encoder (escapes '&lt;', '&gt;', '&amp;' and
    /// non-ASCII), so the JSON can sit inside an HTML &lt;script&gt; element unchanged.</summary>
    public static readonly JsonWriterOptions Options = new() { Indented = false };

    public static void WriteNumber(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value)) w.WriteNumberValue(value);
        else w.WriteNullValue();
    }

    public static void WriteNumber(Utf8JsonWriter w, string name, double value)
    {
        w.WritePropertyName(name);
        WriteNumber(w, value);
    }

    public static void WriteArray(Utf8JsonWriter w, ImmutableArray<double> values)
    {
        w.WriteStartArray();
        foreach (var v in values) WriteNumber(w, v);
        w.WriteEndArray();
    }

    public static void WriteArray(Utf8JsonWriter w, string name, ImmutableArray<double> values)
    {
        w.WritePropertyName(name);
        WriteArray(w, values);
    }

    /// <summary>Plotly's axis ids: "x", "x2", "x3", ... (the layout keys are "xaxis", "xaxis2", ...).</summary>
    public static string AxisId(char letter, int index) =>
        index == 1 ? letter.ToString() : letter + index.ToString(CultureInfo.InvariantCulture);

    public static string AxisKey(char letter, int index) =>
        index == 1 ? $"{letter}axis" : $"{letter}axis{index.ToString(CultureInfo.InvariantCulture)}";

    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options)) write(w);
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
