using Aevb.Exercises;

namespace Aevb.Display;

/// <summary>Display formatters for <see cref="ExerciseVerdict"/>: <c>text/html</c> (a coloured box) and <c>text/plain</c> (one line).</summary>
public sealed class ExerciseVerdictFormatterSource
{
    /// <summary>The two formatters.</summary>
    public IEnumerable<object> CreateTypeFormatters()
    {
        yield return new DisplayFormatter(typeof(ExerciseVerdict), MimeTypes.Html, (value, writer) =>
        {
            writer.Write(((ExerciseVerdict)value).ToHtml());
            return true;
        });
        yield return new DisplayFormatter(typeof(ExerciseVerdict), MimeTypes.PlainText, (value, writer) =>
        {
            writer.Write(((ExerciseVerdict)value).ToString());
            return true;
        });
    }
}
