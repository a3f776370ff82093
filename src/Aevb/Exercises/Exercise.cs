using System.Globalization;
using System.Net;

namespace Aevb.Exercises;

/// <summary>How an exercise went.</summary>
public enum ExerciseOutcome
{
    /// <summary>The answer agrees with the reference on every input.</summary>
    Passed,
    /// <summary>The answer differs (or throws) on some input.</summary>
    Failed,
    /// <summary>The placeholder is still there (the code throws <see cref="NotImplementedException"/>).</summary>
    NotAttempted,
}

/// <summary>
/// The verdict of <see cref="Exercise.Check{TIn}"/>: a clear pass, or the first input where the answer
/// differs from the library's and by how much. Displays in notebooks as a coloured box (text/html) and a line
/// of text (text/plain).
/// </summary>
[Aevb.Display.TypeFormatterSource(typeof(Aevb.Display.ExerciseVerdictFormatterSource),
    PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed record ExerciseVerdict(string Title, ExerciseOutcome Outcome, string Message)
{
    /// <summary>True when the answer is right.</summary>
    public bool Passed => Outcome == ExerciseOutcome.Passed;

    /// <summary>The verdict as one line: "✓ title: …", "✗ title: …" or "… title: not attempted yet …".</summary>
    public override string ToString() => Outcome switch
    {
        ExerciseOutcome.Passed => "✓ " + Title + ": " + Message,
        ExerciseOutcome.Failed => "✗ " + Title + ": " + Message,
        _ => "… " + Title + ": " + Message,
    };

    /// <summary>A coloured box holding <see cref="ToString"/>.</summary>
    public string ToHtml()
    {
        var (border, background) = Outcome switch
        {
            ExerciseOutcome.Passed => ("#2ca02c", "#eaf7ea"),
            ExerciseOutcome.Failed => ("#d62728", "#fdecea"),
            _ => ("#999999", "#f4f4f4"),
        };
        return $"<div class=\"aevb-exercise\" data-outcome=\"{Outcome.ToString().ToLowerInvariant()}\" style=\"border-left:4px solid {border};background:{background};padding:6px 10px;font:13px/1.5 sans-serif;color:#222;white-space:pre-wrap\">{WebUtility.HtmlEncode(ToString())}</div>";
    }
}

/// <summary>
/// Checks a student's function against the library's reference on a fixed set of inputs.
/// </summary>
public static class Exercise
{
    /// <summary>
    /// Runs <paramref name="yours"/> and <paramref name="reference"/> on every input and compares the results value by
    /// value: they agree when <c>|yours − reference| ≤ tolerance · max(1, |reference|)</c>. The verdict names the first
    /// input where they do not, both values and the difference; code that throws <see cref="NotImplementedException"/>
    /// (the placeholder) is "not attempted yet", any other exception a failure at that input.
    /// </summary>
    public static ExerciseVerdict Check<TIn>(string title, IEnumerable<TIn> inputs, Func<TIn, double[]> yours, Func<TIn, double[]> reference,
        Func<TIn, string>? describe = null, double tolerance = 1e-9, string[]? names = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(yours);
        ArgumentNullException.ThrowIfNull(reference);
        describe ??= x => x?.ToString() ?? "null";
        var list = inputs.ToList();
        double largest = 0;
        for (int k = 0; k < list.Count; k++)
        {
            var input = list[k];
            var expected = reference(input);
            double[] got;
            try
            {
                got = yours(input) ?? throw new InvalidOperationException("your code returned null");
            }
            catch (NotImplementedException)
            {
                return new ExerciseVerdict(title, ExerciseOutcome.NotAttempted, "not attempted yet: replace the placeholder (throw new NotImplementedException()) in the cell above with your code and run it again.");
            }
            catch (Exception e)
            {
                return new ExerciseVerdict(title, ExerciseOutcome.Failed, $"your code threw {e.GetType().Name} ({e.Message}) on input #{k + 1}: {describe(input)}.");
            }
            if (got.Length != expected.Length)
                return new ExerciseVerdict(title, ExerciseOutcome.Failed, $"on input #{k + 1} ({describe(input)}) your code returned {got.Length} value(s), expected {expected.Length}.");
            for (int i = 0; i < got.Length; i++)
            {
                var diff = Math.Abs(got[i] - expected[i]);
                if (!(diff <= tolerance * Math.Max(1, Math.Abs(expected[i]))))
                {
                    var what = expected.Length == 1 ? "" : names is not null && i < names.Length ? $" {names[i]}" : $" value [{i}]";
                    return new ExerciseVerdict(title, ExerciseOutcome.Failed, string.Create(CultureInfo.InvariantCulture,
                        $"differs on input #{k + 1} of {list.Count}: {describe(input)}.\n  your{what}: {got[i]:R}\n  expected: {expected[i]:R}\n  off by {got[i] - expected[i]:G4} (tolerance {tolerance:G2} relative)."));
                }
                largest = Math.Max(largest, diff);
            }
        }
        return new ExerciseVerdict(title, ExerciseOutcome.Passed, string.Create(CultureInfo.InvariantCulture,
            $"correct on all {list.Count} inputs (largest difference from the library {largest:0.0E+0})."));
    }

    internal static string Vec(IEnumerable<double> v) => "[" + string.Join(", ", v.Select(x => x.ToString("0.###", CultureInfo.InvariantCulture))) + "]";
}
