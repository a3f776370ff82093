using System.Globalization;
using Aevb.Data;

namespace Aevb.Training.Runs;

/// <summary>
/// One value read off the paper's Figure 2 or 3 (see PAPER-VALUES.md beside this file): a point of one curve, or a
/// range where only a range can be read (<see cref="Value"/> null).
/// </summary>
public sealed record PaperValue(string Figure, string Dataset, int? TrainCount, int Latent, string Method, long Samples, string Split,
    double? Value, double? Low, double? High)
{
    /// <summary>The reading as text: <c>−98.5</c>, <c>−128…−123</c>, or <c>&lt; −160</c>.</summary>
    public string Text => Value is { } v ? Format(v) : Low is { } lo && High is { } hi ? $"{Format(lo)}…{Format(hi)}" : High is { } h ? $"< {Format(h)}" : "?";

    /// <summary>The middle of the reading, for plotting (the upper end of a "below" reading).</summary>
    public double Center => Value ?? (Low is { } lo && High is { } hi ? (lo + hi) / 2 : High ?? double.NaN);

    /// <summary>
    /// How far the reading may be off (PAPER-VALUES.md, "Accuracy"): Figure 2 MNIST ±1 nat from 10⁷ on, ±1.5 at 10⁶
    /// (pixel readings of train and test), ±3 at 10⁶ where one "both" value was read by eye; Frey Face ±20 (±25 for
    /// the test values at 10⁷, interpolated across a dash gap); Figure 3 ±3 up to 2 M samples (the curves nearly
    /// vertical), ±1 beyond.
    /// </summary>
    public double Accuracy => Figure == "fig3" ? (Samples <= 2_000_000 ? 3 : 1)
        : Dataset == FreyFace.DatasetName ? (Samples == 10_000_000 && Split == "test" && Latent >= 10 ? 25 : 20)
        : Samples >= 10_000_000 ? 1 : Split == "both" ? 3 : 1.5;

    /// <summary>Whether this reading is of <paramref name="split"/> (<c>both</c> matches either).</summary>
    public bool Covers(string split) => Split == split || Split == "both";

    /// <summary>Whether this reading belongs to the curve of a run with these settings.</summary>
    public bool Matches(RunSettings s) => s.Dataset == Dataset && s.Latent == Latent && s.Method == Method
        && (Figure == "fig3" ? s.Evaluation == RunEvaluation.MarginalLikelihood && s.TrainCount == TrainCount : s.Evaluation == RunEvaluation.LowerBound);

    private static string Format(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}

/// <summary>The table of <see cref="PaperValue"/>s shipped in the library (<c>paper-values.csv</c>).</summary>
public static class PaperValues
{
    private static readonly Lazy<IReadOnlyList<PaperValue>> _all = new(Load);

    public static IReadOnlyList<PaperValue> All => _all.Value;

    /// <summary>The readings of the curve a run with <paramref name="settings"/> draws.</summary>
    public static IEnumerable<PaperValue> For(RunSettings settings) => All.Where(v => v.Matches(settings));

    private static List<PaperValue> Load()
    {
        const string name = "Aevb.Training.Runs.paper-values.csv";
        using var stream = typeof(PaperValues).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The library lacks its embedded {name}.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), name);
    }

    /// <summary>Parses the CSV (header row first); errors name <paramref name="source"/> and the line.</summary>
    public static List<PaperValue> Parse(string csv, string source)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new List<PaperValue>();
        for (var i = 1; i < lines.Length; i++)
        {
            var f = lines[i].Split(',');
            if (f.Length != 10) throw new InvalidDataException($"{source}, line {i + 1}: {f.Length} fields, expected 10.");
            double? Number(string t) => t.Length == 0 ? null
                : double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw new InvalidDataException($"{source}, line {i + 1}: '{t}' is not a number.");
            var value = new PaperValue(f[0], f[1], f[2].Length == 0 ? null : (int)Number(f[2])!.Value, (int)Number(f[3])!.Value, MethodRegistry.Get(f[4]).Name,
                (long)Number(f[5])!.Value, f[6], Number(f[7]), Number(f[8]), Number(f[9]));
            if (value.Split is not ("train" or "test" or "both") || (value.Value is null && value.High is null))
                throw new InvalidDataException($"{source}, line {i + 1}: split must be train, test or both, and a value or an upper end must be given.");
            values.Add(value);
        }
        return values;
    }
}
