namespace Aevb.Training;

/// <summary>The bound became NaN or infinite: training cannot continue from these parameters.</summary>
public sealed class TrainingDivergedException : Exception
{
    public TrainingDivergedException(long step, long samples, double bound, float learningRate)
        : base($"Training diverged at step {step} ({samples} samples): the minibatch lower bound is {bound}. " +
               $"Try a smaller learning rate than {learningRate} (--lr), or check the data for NaN values.")
    {
        Step = step;
        Samples = samples;
        Bound = bound;
    }

    public long Step { get; }
    public long Samples { get; }
    public double Bound { get; }
}
