namespace Aevb.Training;

/// <summary>
/// What the user of a <see cref="TrainingLoop"/> does at the loop's stops: <c>aevb train</c>'s
/// <see cref="Trainer"/> logs its bounds (and its folder saves), a figure run evaluates, checkpoints and reseeds.
/// </summary>
public interface ITrainingCallbacks
{
    /// <summary>
    /// At an evaluation point, a checkpoint interval or the loop's end: evaluate when <paramref name="evaluate"/>,
    /// then save whatever makes the run resumable.
    /// </summary>
    void Checkpoint(bool evaluate);

    /// <summary>Progress, after every checkpoint and every report interval.</summary>
    void Report(TrainingProgress progress) { }

    /// <summary>The loop was cancelled between two steps (Ctrl+C): save what the next run resumes from.</summary>
    void Interrupted() { }
}
