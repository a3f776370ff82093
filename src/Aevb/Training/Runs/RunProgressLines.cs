using System.Globalization;

namespace Aevb.Training.Runs;

/// <summary>
/// Progress of a <see cref="FigureRun"/> as plain lines, one per evaluation (for notebooks and logs, where a status
/// line rewritten in place does not work). Reports synchronously, unlike <see cref="Progress{T}"/>, so lines appear
/// while the run goes on and in order.
/// </summary>
public sealed class RunProgressLines(TextWriter writer) : IProgress<RunProgress>
{
    public void Report(RunProgress p)
    {
        if (!p.IsEvaluation) return;
        var values = p.Evaluation is null ? "" : string.Join("  ", p.Evaluation
            .Where(kv => !kv.Key.EndsWith("_se", StringComparison.Ordinal))
            .Select(kv => $"{kv.Key} {kv.Value.ToString("F2", CultureInfo.InvariantCulture)}"));
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {p.Name}  {p.Samples,9:N0} samples  {values}  ({p.SamplesPerSecond:N0} samples/s)"));
        writer.Flush();
    }
}
