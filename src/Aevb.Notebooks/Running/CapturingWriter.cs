using System.Text;

namespace Aevb.Notebooks.Running;

/// <summary>
/// Console.Out / Console.Error while a notebook runs: every write goes to the current cell's
/// outputs and, when echoing, straight through to the real console so long cells show progress.
/// </summary>
internal sealed class CapturingWriter(string streamName, Func<OutputCollector?> target, TextWriter? echo) : TextWriter
{
    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Write(value.ToString());

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        target()?.AppendStream(streamName, value);
        if (echo is null) return;
        try { echo.Write(value); } catch (ObjectDisposedException) { }
    }

    public override void WriteLine(string? value) => Write((value ?? "") + "\n");

    public override void WriteLine() => Write("\n");

    public override void Flush()
    {
        try { echo?.Flush(); } catch (ObjectDisposedException) { }
    }
}
