namespace Aevb.Training;

/// <summary>
/// When a <see cref="TrainingLoop"/> stops to evaluate, to checkpoint and to report progress.
/// </summary>
/// <param name="EvaluationPoints">Sample counts to evaluate at, ascending (<see cref="EvaluationSchedule"/>); the
/// loop also evaluates where it ends.</param>
/// <param name="CheckpointInterval">Samples between checkpoints without an evaluation (null: only at
/// evaluations).</param>
/// <param name="ReportInterval">Wall time between progress reports that carry no evaluation.</param>
public sealed record TrainingSchedule(long[] EvaluationPoints, long? CheckpointInterval, TimeSpan ReportInterval)
{
    /// <summary>Steps only: no evaluation point, no interval checkpoint, no periodic report.</summary>
    public static TrainingSchedule StepsOnly { get; } = new([], null, TimeSpan.MaxValue);
}
