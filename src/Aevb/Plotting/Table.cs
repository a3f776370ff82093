using System.Globalization;
using System.Net;
using System.Text;

namespace Aevb.Plotting;

/// <summary>
/// A small table for notebook outputs: named columns, rows of values, numbers formatted per column. Displays as an
/// HTML table (numbers right-aligned) and as aligned plain text (what our runner and Polyglot's kernel compare), so
/// lesson cells build a table instead of padding <c>Console.Write</c> strings.
/// </summary>
/// <example><code>
/// var t = new Table("q mean", "q var", "L").WithFormats("F3", "F3", "F6");
/// t.AddRow(0.0, 1.0, -5.123456);
/// t   // displayed
/// </code></example>
[Aevb.Display.TypeFormatterSource(typeof(Aevb.Display.TableFormatterSource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class Table
{
    private readonly List<string[]> _rows = [];
    private readonly List<bool[]> _numeric = [];
    private string?[] _formats;

    /// <summary>A table with these column headers.</summary>
    public Table(params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Length == 0) throw new ArgumentException("Table: give at least one column.", nameof(columns));
        Columns = columns;
        _formats = new string?[columns.Length];
    }

    /// <summary>Column headers.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Caption above the table.</summary>
    public string? Title { get; set; }

    /// <summary>Lines under the table (e.g. a maximum over the rows).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Number of rows so far.</summary>
    public int RowCount => _rows.Count;

    /// <summary>The text of row <paramref name="row"/>, column <paramref name="column"/>.</summary>
    public string this[int row, int column] => _rows[row][column];

    /// <summary>.NET format strings for the numeric cells of each column (null: "G6"); returns this table.</summary>
    public Table WithFormats(params string?[] formats)
    {
        if (formats.Length != Columns.Count)
            throw new ArgumentException($"Table: {formats.Length} formats for {Columns.Count} columns.", nameof(formats));
        _formats = formats;
        return this;
    }

    /// <summary>Sets <see cref="Title"/>; returns this table.</summary>
    public Table WithTitle(string title)
    {
        Title = title;
        return this;
    }

    /// <summary>Adds a line under the table; returns this table.</summary>
    public Table WithNote(string note)
    {
        Notes.Add(note);
        return this;
    }

    /// <summary>
    /// Adds a row: one value per column. Numbers use the column's format (invariant culture), strings go in as they
    /// are, null is an empty cell.
    /// </summary>
    public Table AddRow(params object?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != Columns.Count)
            throw new ArgumentException($"Table: a row of {values.Length} values for {Columns.Count} columns.", nameof(values));
        var text = new string[values.Length];
        var numeric = new bool[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            var format = _formats[i] ?? "G6";
            (text[i], numeric[i]) = values[i] switch
            {
                null => ("", false),
                string s => (s, false),
                double d => (d.ToString(format, CultureInfo.InvariantCulture), true),
                float f => (f.ToString(format, CultureInfo.InvariantCulture), true),
                int n => (n.ToString(_formats[i] ?? "N0", CultureInfo.InvariantCulture), true),
                long n => (n.ToString(_formats[i] ?? "N0", CultureInfo.InvariantCulture), true),
                IFormattable f => (f.ToString(format, CultureInfo.InvariantCulture), true),
                var o => (o.ToString() ?? "", false),
            };
        }
        _rows.Add(text);
        _numeric.Add(numeric);
        return this;
    }

    /// <summary>An HTML table (header row, numbers right-aligned), with the title as caption and the notes below.</summary>
    public string ToHtml()
    {
        var sb = new StringBuilder();
        sb.Append("<div class=\"aevb-table\" style=\"font:13px/1.4 sans-serif;color:#222\">");
        sb.Append("<table style=\"border-collapse:collapse\">");
        if (Title is not null) sb.Append("<caption style=\"text-align:left;font-weight:bold;padding-bottom:4px\">").Append(WebUtility.HtmlEncode(Title)).Append("</caption>");
        sb.Append("<thead><tr>");
        foreach (var c in Columns)
            sb.Append("<th style=\"border-bottom:1px solid #888;padding:2px 10px;text-align:right\">").Append(WebUtility.HtmlEncode(c)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        for (int r = 0; r < _rows.Count; r++)
        {
            sb.Append("<tr>");
            for (int c = 0; c < Columns.Count; c++)
                sb.Append("<td style=\"padding:2px 10px;text-align:").Append(_numeric[r][c] ? "right;font-variant-numeric:tabular-nums" : "left")
                  .Append("\">").Append(WebUtility.HtmlEncode(_rows[r][c])).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        foreach (var note in Notes) sb.Append("<div>").Append(WebUtility.HtmlEncode(note)).Append("</div>");
        sb.Append("</div>");
        return sb.ToString();
    }

    /// <summary>Aligned plain text: the title, the header, one line per row (numbers right-aligned), the notes.</summary>
    public override string ToString()
    {
        var widths = Columns.Select((c, i) => Math.Max(c.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        if (Title is not null) sb.Append(Title).Append('\n');
        sb.Append(string.Join("  ", Columns.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd()).Append('\n');
        for (int r = 0; r < _rows.Count; r++)
            sb.Append(string.Join("  ", _rows[r].Select((v, i) => _numeric[r][i] || i > 0 ? v.PadLeft(widths[i]) : v.PadRight(widths[i]))).TrimEnd()).Append('\n');
        foreach (var note in Notes) sb.Append(note).Append('\n');
        return sb.ToString().TrimEnd('\n');
    }
}
