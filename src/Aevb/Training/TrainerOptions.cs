using Aevb.Inference;
using Aevb.Models;
using Aevb.Optim;

namespace Aevb.Training;

/// <summary>Settings of a training run; the defaults are the paper's (Section 5).</summary>
public sealed record TrainerOptions
{
    /// <summary>M, datapoints per minibatch (paper: 100).</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>L, samples of z per datapoint (paper: 1).</summary>
    public int SamplesPerDatapoint { get; init; } = 1;

    public Estimator Estimator { get; init; } = Estimator.B;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adagrad;

    /// <summary>Global step size (paper: chosen from {0.01, 0.02, 0.1}).</summary>
    public float LearningRate { get; init; } = Optim.Adagrad.DefaultLearningRate;

    /// <summary>
    /// λ of the Gaussian prior <c>N(0, 1/λ)</c> on the parameters (MAP, Section 5): 1 is the paper's <c>N(0, I)</c>,
    /// 0 is plain maximum likelihood. The gradient it adds, <c>λθ</c>, is set against the full-data bound
    /// (the minibatch gradient is scaled by N/M), so the prior counts once per data set, not once per batch.
    /// </summary>
    public float WeightDecay { get; init; } = 1f;

    /// <summary>
    /// Standard deviation σ of the <c>N(0, σ²)</c> initialisation. The paper writes "N(0, 0.01)"; we read 0.01 as
    /// the standard deviation, as PyTorch's <c>nn.init.normal_(p, 0, 0.01)</c> in the baseline does
    /// (set 0.1 for the other reading, variance 0.01).
    /// </summary>
    public float InitStd { get; init; } = 0.01f;

    /// <summary>Seeds model initialisation, minibatch order, the noise ε and the evaluation noise (independent streams).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>First sample count at which the bounds are evaluated; later ones are log-spaced.</summary>
    public long FirstEvaluation { get; init; } = 10_000;

    /// <summary>Evaluations per decade of training samples (log-spaced x axis as in Figure 2).</summary>
    public int EvaluationsPerDecade { get; init; } = 5;

    /// <summary>
    /// Evaluate the training bound on the first this-many training points only (null: all). The test bound
    /// always uses the whole test set.
    /// </summary>
    public int? TrainEvaluationSize { get; init; }

    /// <summary>How often <see cref="Trainer.Train"/> reports progress.</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>
    /// Largest activation tensor a training step may need: M·L rows of the widest layer, in floats (the same 10⁸ as
    /// <see cref="VaeConfig.MaxParameters"/>). It keeps a typo such as <c>-L 100000</c> from overflowing a tensor's size.
    /// </summary>
    public const long MaxStepValues = VaeConfig.MaxParameters;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first setting out of range; with <paramref name="model"/>, also when
    /// a step's M·L rows of the model's widest layer would exceed <see cref="MaxStepValues"/>.
    /// </summary>
    public void Validate(VaeConfig? model = null)
    {
        if (BatchSize <= 0) throw new ArgumentException($"Batch size must be positive, got {BatchSize}.");
        if (SamplesPerDatapoint <= 0) throw new ArgumentException($"Samples per datapoint (L) must be positive, got {SamplesPerDatapoint}.");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) throw new ArgumentException($"Learning rate must be positive, got {LearningRate}.");
        if (!(WeightDecay >= 0) || !float.IsFinite(WeightDecay)) throw new ArgumentException($"Weight decay must be zero or positive, got {WeightDecay}.");
        if (!(InitStd >= 0) || !float.IsFinite(InitStd)) throw new ArgumentException($"Init std must be zero or positive, got {InitStd}.");
        if (FirstEvaluation <= 0) throw new ArgumentException($"First evaluation must be positive, got {FirstEvaluation}.");
        if (EvaluationsPerDecade <= 0) throw new ArgumentException($"Evaluations per decade must be positive, got {EvaluationsPerDecade}.");
        if (TrainEvaluationSize is <= 0) throw new ArgumentException($"Train evaluation size must be positive, got {TrainEvaluationSize}.");
        if (model is null) return;
        long rows = (long)BatchSize * SamplesPerDatapoint, width = Math.Max(Math.Max(model.InputSize, model.HiddenSize), model.LatentSize);
        if (rows * (double)width > MaxStepValues)
            throw new ArgumentException(
                $"Samples per datapoint (L) {SamplesPerDatapoint} with batch size {BatchSize} is too large for a {model.InputSize}-{model.HiddenSize}-{model.LatentSize} model: " +
                $"each step would hold {rows:N0} rows of {width} values ({rows * (double)width:0.##e0}), over the limit of {MaxStepValues:0.##e0}; the paper uses L = 1 with M = 100.");
    }
}
