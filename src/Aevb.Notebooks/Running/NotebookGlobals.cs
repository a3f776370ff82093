using System.Text.Json.Nodes;
using Aevb.Notebooks.Documents;
using Aevb.Notebooks.Formatting;

namespace Aevb.Notebooks.Running;

/// <summary>
/// The globals object of every notebook script: its public members are in scope in cells, as
/// .NET Interactive's are. Notebooks call <c>display(value)</c> to add a <c>display_data</c> output.
/// </summary>
/// <remarks>Public only because Roslyn scripting requires it; not meant to be created by user code.</remarks>
public sealed class NotebookGlobals
{
    private readonly RunContext _context;

    internal NotebookGlobals(RunContext context) => _context = context;

    /// <summary>
    /// Shows <paramref name="value"/> below the cell (a <c>display_data</c> output), formatted by the
    /// formatter convention (see <see cref="ValueFormatter"/>); <paramref name="mimeTypes"/> limits the
    /// representations written. Returns a handle whose <see cref="DisplayedValue.Update"/> replaces it.
    /// </summary>
#pragma warning disable IDE1006 // lower-case on purpose: the same name as .NET Interactive's global
    public DisplayedValue display(object? value, params string[] mimeTypes)
#pragma warning restore IDE1006
        => _context.Display(value, mimeTypes);
}

/// <summary>A displayed output that can be replaced in place (e.g. a progress line or a chart redrawn per epoch).</summary>
public sealed class DisplayedValue
{
    private readonly RunContext _context;
    private readonly string[] _mimeTypes;

    internal DisplayedValue(RunContext context, JsonObject output, string[] mimeTypes)
    {
        _context = context;
        Output = output;
        _mimeTypes = mimeTypes;
    }

    internal JsonObject Output { get; }

    /// <summary>Replaces the displayed value with <paramref name="value"/>, formatted the same way.</summary>
    public void Update(object? value) => _context.Update(this, value, _mimeTypes);
}

/// <summary>Run-wide state the globals and the console capture reach: which cell's outputs receive writes.</summary>
internal sealed class RunContext(bool echo, TextWriter? echoOut)
{
    private readonly object _gate = new();

    /// <summary>The run in progress (runs are serialised), for <see cref="Scripting.DisplayExtensions"/>.</summary>
    public static RunContext? Active { get; set; }

    public OutputCollector? Current { get; set; }

    /// <summary>Formats and appends a display_data output to the current cell (formatter warnings go to its stderr).</summary>
    public DisplayedValue Display(object? value, string[] mimeTypes)
    {
        var formatted = Format(value, mimeTypes);
        var output = NotebookOutputs.DisplayData(formatted.Bundle);
        var target = Current;
        target?.Add(output);
        EchoPlain(formatted);
        return new DisplayedValue(this, output, mimeTypes);
    }

    public void Update(DisplayedValue handle, object? value, string[] mimeTypes)
    {
        var formatted = Format(value, mimeTypes);
        lock (_gate) handle.Output["data"] = NotebookOutputs.Data(formatted.Bundle);
        EchoPlain(formatted);
    }

    public FormattedValue Format(object? value, string[]? mimeTypes)
    {
        var formatted = ValueFormatter.Format(value, mimeTypes);
        foreach (var w in formatted.Warnings) Current?.AppendStream("stderr", $"warning: {w}\n");
        return formatted;
    }

    public void EchoPlain(FormattedValue formatted)
    {
        if (!echo || echoOut is null || formatted.PlainText is not { } text) return;
        try { echoOut.WriteLine(text); } catch (ObjectDisposedException) { }
    }
}
