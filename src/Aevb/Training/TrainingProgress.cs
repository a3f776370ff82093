namespace Aevb.Training;

/// <summary>What <see cref="Trainer.Train"/> reports while it runs (a value type: reporting allocates nothing).</summary>
/// <param name="Samples">Training datapoints processed so far (the x axis of Figure 2).</param>
/// <param name="TotalSamples">Where this run stops.</param>
/// <param name="Elapsed">Wall time of this run so far, evaluations included.</param>
/// <param name="SamplesPerSecond">Training throughput of this run (evaluation time excluded).</param>
/// <param name="Bound">Mean minibatch bound per datapoint since the previous report.</param>
/// <param name="Eta">Estimated time to the end, evaluations included.</param>
/// <param name="Evaluation">The latest evaluation, if any; set on the report that follows one.</param>
/// <param name="IsEvaluation">True when this report announces a new evaluation.</param>
public readonly record struct TrainingProgress(
    long Samples,
    long TotalSamples,
    TimeSpan Elapsed,
    double SamplesPerSecond,
    double Bound,
    TimeSpan Eta,
    TrainingLogEntry? Evaluation,
    bool IsEvaluation)
{
    public double Fraction => TotalSamples == 0 ? 1 : Math.Min(1.0, (double)Samples / TotalSamples);
}
