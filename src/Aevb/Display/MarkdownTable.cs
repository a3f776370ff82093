using System.Net;
using System.Text;

namespace Aevb.Display;

/// <summary>
/// A table of text cells for the figure notebooks and reports (<see cref="Aevb.Plotting.Table"/> is the one for numbers): a header row and rows of text cells (cells may hold inline HTML such as
/// <c>N&lt;sub&gt;z&lt;/sub&gt;</c>, as the README's tables do). Displays as an HTML table, and as a Markdown pipe
/// table in plain text (which is also what <see cref="ToMarkdown"/> returns).
/// </summary>
[TypeFormatterSource(typeof(MarkdownTableFormatterSource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class MarkdownTable
{
    public MarkdownTable(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows, string? title = null)
    {
        Columns = columns;
        Rows = rows.ToList();
        Title = title;
        foreach (var row in Rows)
            if (row.Count != columns.Count) throw new ArgumentException($"A row has {row.Count} cells, the header {columns.Count}.");
    }

    public string? Title { get; }

    public IReadOnlyList<string> Columns { get; }

    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }

    /// <summary>The first Markdown pipe table in <paramref name="markdown"/> (header, separator, rows).</summary>
    public static MarkdownTable FromMarkdown(string markdown, string? title = null)
    {
        static string[] Cells(string line) => line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
        var lines = markdown.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(l => l.TrimStart().StartsWith('|'));
        if (start < 0 || start + 1 >= lines.Count) throw new ArgumentException("No Markdown table in the text.");
        var rows = lines.Skip(start + 2).TakeWhile(l => l.TrimStart().StartsWith('|')).Select(l => (IReadOnlyList<string>)Cells(l));
        return new MarkdownTable(Cells(lines[start]), rows, title);
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        if (Title is not null) text.AppendLine($"**{Title}**").AppendLine();
        text.AppendLine($"| {string.Join(" | ", Columns)} |");
        text.AppendLine($"|{string.Concat(Columns.Select(_ => "---|"))}");
        foreach (var row in Rows) text.AppendLine($"| {string.Join(" | ", row)} |");
        return text.ToString();
    }

    public string ToHtml()
    {
        var text = new StringBuilder("<table>");
        if (Title is not null) text.Append($"<caption>{WebUtility.HtmlEncode(Title)}</caption>");
        text.Append("<thead><tr>").Append(string.Concat(Columns.Select(c => $"<th>{c}</th>"))).Append("</tr></thead><tbody>");
        foreach (var row in Rows) text.Append("<tr>").Append(string.Concat(row.Select(c => $"<td>{c}</td>"))).Append("</tr>");
        return text.Append("</tbody></table>").ToString();
    }

    public override string ToString() => ToMarkdown();
}

/// <summary>Display formatters for <see cref="MarkdownTable"/>: <c>text/html</c> and <c>text/plain</c> (Markdown).</summary>
public sealed class MarkdownTableFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters()
    {
        yield return new DisplayFormatter(typeof(MarkdownTable), MimeTypes.Html, (value, writer) =>
        {
            writer.Write(((MarkdownTable)value).ToHtml());
            return true;
        });
        yield return new DisplayFormatter(typeof(MarkdownTable), MimeTypes.PlainText, (value, writer) =>
        {
            writer.Write(((MarkdownTable)value).ToMarkdown());
            return true;
        });
    }
}
