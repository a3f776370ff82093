namespace Aevb.Training;

/// <summary>
/// <see cref="Trainer"/>'s side of the <see cref="TrainingLoop"/>: at each evaluation point it logs both bounds
/// (and lets a <see cref="TrainingFolder"/> save), and its progress reports carry the latest log entry.
/// </summary>
internal sealed class TrainerCallbacks(Trainer trainer, IProgress<TrainingProgress>? progress, Action? afterEvaluation)
    : ITrainingCallbacks
{
    private TrainingLogEntry? _last;

    public void Checkpoint(bool evaluate)
    {
        if (!evaluate) return;
        _last = trainer.Evaluate();
        afterEvaluation?.Invoke();
    }

    public void Report(TrainingProgress value) => progress?.Report(value with { Evaluation = _last });

    /// <summary>An evaluation after a call that had nothing left to train (no rate to report).</summary>
    public void EvaluateAtEnd(long totalSamples, TimeSpan elapsed)
    {
        Checkpoint(evaluate: true);
        Report(new TrainingProgress(trainer.SamplesSeen, totalSamples, elapsed, 0, double.NaN, TimeSpan.Zero, null,
            IsEvaluation: true));
    }
}
