using System.Globalization;
using System.Text.RegularExpressions;

namespace Aevb.Polyglot.Tests;

/// <summary>
/// Compares two outputs of the same notebook cell made on different machines: the words exactly, the numbers within a
/// tolerance. A machine with AVX-512 sums in another order than one with AVX2 only, so the last printed digit of a
/// measured number may differ (<c>7.27E-06</c> against <c>7.26E-06</c>), and a model trained on each ends a little
/// apart; a changed word, a number off by a few per cent, a missing line or number is a real difference.
/// <para>
/// The text is split into numbers (<c>-1,234.5</c>, <c>3.08E-05</c>; thousands separated by commas) and the text
/// between them. The text must be equal, up to the width of runs of white space (right-aligned columns pad numbers of
/// another width differently). Two numbers a and b printed with last-place units u_a and u_b (0.01 for <c>-151.65</c>,
/// 1E-08 for <c>7.27E-06</c>, none for an integer, which may be a count) are equal when
/// <c>|a − b| ≤ relative · max(|a|, |b|) + (u_a + u_b) / 2</c>: they could be the printed forms of two values that
/// differ by at most <c>relative</c>.
/// </para>
/// </summary>
internal static partial class TolerantText
{
    /// <summary>
    /// The relative difference allowed between two numbers. Measured between the committed outputs (an AVX-512 machine)
    /// and runs on an AVX2 machine: notebook 02 differs in last printed digits (7.27E-06 against 7.26E-06), notebook 03,
    /// which trains three models, in numbers printed to 17 digits at 1E-08 relative; 01 not at all. 1E-2 leaves room for
    /// notebook 06, whose TorchSharp models run LibTorch's kernels for the CPU at hand, and is a tenth of the 10% change
    /// that must be found.
    /// </summary>
    public const double DefaultRelative = 1e-2;

    /// <summary>
    /// Null when <paramref name="expected"/> and <paramref name="actual"/> are equal within the tolerance, else the
    /// first difference, in words (the line, both forms, the numbers that differ).
    /// </summary>
    public static string? Difference(string expected, string actual, double relative = DefaultRelative)
    {
        var e = expected.Replace("\r\n", "\n").TrimEnd().Split('\n');
        var a = actual.Replace("\r\n", "\n").TrimEnd().Split('\n');
        for (var i = 0; i < Math.Min(e.Length, a.Length); i++)
            if (LineDifference(e[i], a[i], relative) is { } why)
                return $"line {i + 1}: {why}\n  expected: {e[i]}\n  actual:   {a[i]}";
        if (e.Length != a.Length)
            return e.Length > a.Length
                ? $"{e.Length} lines expected, {a.Length} found; the first missing: {e[a.Length]}"
                : $"{e.Length} lines expected, {a.Length} found; the first extra: {a[e.Length]}";
        return null;
    }

    /// <summary>
    /// As <see cref="Difference"/>, with the lines taken as a multiset: each line of <paramref name="expected"/> is
    /// matched with an equal one of <paramref name="actual"/>, in any order (cells that train several models at once
    /// print their lines in whatever order the threads finish).
    /// </summary>
    public static string? LinesDifference(string expected, string actual, double relative = DefaultRelative)
    {
        var e = expected.Replace("\r\n", "\n").TrimEnd().Split('\n');
        var left = actual.Replace("\r\n", "\n").TrimEnd().Split('\n').ToList();
        foreach (var line in e)
        {
            var match = left.FindIndex(l => LineDifference(line, l, relative) is null);
            if (match < 0)
            {
                // The nearest line in words, for the message: the same text between the numbers, if any.
                var sameWords = left.FindIndex(l => Words(l) == Words(line));
                return sameWords < 0
                    ? $"no line matches: {line}"
                    : $"{LineDifference(line, left[sameWords], relative)}\n  expected: {line}\n  actual:   {left[sameWords]}";
            }
            left.RemoveAt(match);
        }
        return left.Count == 0 ? null : $"{left.Count} more lines than expected; the first: {left[0]}";
    }

    /// <summary>Null when the two lines are equal within the tolerance, else why not.</summary>
    public static string? LineDifference(string expected, string actual, double relative = DefaultRelative)
    {
        var e = Tokens(expected);
        var a = Tokens(actual);
        if (Words(expected) != Words(actual)) return "the text differs";
        if (e.Count != a.Count) return $"{e.Count(t => t.Number)} numbers expected, {a.Count(t => t.Number)} found";
        for (var i = 0; i < e.Count; i++)
        {
            if (!e[i].Number) continue;
            var (x, ux) = Parse(e[i].Text);
            var (y, uy) = Parse(a[i].Text);
            if (!NumbersMatch(x, ux, y, uy, relative))
                return $"{e[i].Text} expected, {a[i].Text} found (relative difference {Math.Abs(x - y) / Math.Max(Math.Abs(x), Math.Abs(y)):G2}, " +
                    $"allowed {relative:G2} and half a unit in the last printed place)";
        }
        return null;
    }

    /// <summary>
    /// Two numbers with their last-place units: equal when they could be the printed forms of two values at most
    /// <paramref name="relative"/> apart. Infinities and NaN must be equal.
    /// </summary>
    public static bool NumbersMatch(double x, double ux, double y, double uy, double relative)
    {
        if (!double.IsFinite(x) || !double.IsFinite(y)) return x.Equals(y);
        var allowed = relative * Math.Max(Math.Abs(x), Math.Abs(y)) + (ux + uy) / 2;
        return Math.Abs(x - y) <= allowed * (1 + 1e-9);   // the slack: the decimal forms' own rounding in binary
    }

    /// <summary>A printed number's value and the unit of its last printed place (0 for an integer).</summary>
    public static (double Value, double Unit) Parse(string text)
    {
        var match = NumberParts().Match(text);
        var value = double.Parse(text.Replace(",", ""), NumberStyles.Float, CultureInfo.InvariantCulture);
        var decimals = match.Groups["fraction"].Success ? match.Groups["fraction"].Length : 0;
        var exponent = match.Groups["exponent"].Success ? int.Parse(match.Groups["exponent"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
        var unit = decimals == 0 && !match.Groups["exponent"].Success ? 0 : Math.Pow(10, exponent - decimals);
        return (value, unit);
    }

    private readonly record struct Token(string Text, bool Number);

    private static List<Token> Tokens(string line)
    {
        var tokens = new List<Token>();
        var at = 0;
        foreach (Match m in Number().Matches(line))
        {
            if (m.Index > at) tokens.Add(new Token(line[at..m.Index], false));
            tokens.Add(new Token(m.Value, true));
            at = m.Index + m.Length;
        }
        if (at < line.Length) tokens.Add(new Token(line[at..], false));
        return tokens;
    }

    /// <summary>The line with every number replaced by <c>#</c> and every run of white space by one space.</summary>
    private static string Words(string line) => Space().Replace(Number().Replace(line, "#"), " ").Trim();

    // Thousands grouped by commas (300,000) but not a list without spaces (1,2): a group has three digits.
    [GeneratedRegex(@"[-+]?\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][-+]?\d+)?")]
    private static partial Regex Number();

    [GeneratedRegex(@"^[-+]?[\d,]+(?:\.(?<fraction>\d+))?(?:[eE](?<exponent>[-+]?\d+))?$")]
    private static partial Regex NumberParts();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();
}
