namespace Aevb.Notebooks.Running.Scripting;

/// <summary>
/// <c>value.Display()</c>, the extension-method form .NET Interactive offers next to the global
/// <c>display(value)</c>. The runner imports this namespace into every notebook, as Polyglot
/// Notebooks imports its own, so either spelling works in both.
/// </summary>
public static class DisplayExtensions
{
    /// <summary>Same as the global <c>display(value, mimeTypes)</c>.</summary>
    public static DisplayedValue Display(this object? value, params string[] mimeTypes)
        => (RunContext.Active ?? throw new InvalidOperationException("Display() works only inside a notebook run by the aevb runner."))
            .Display(value, mimeTypes);
}
