using Aevb.Inference;
using Aevb.Models;
using Aevb.Optim;
using Aevb.Tensors;

namespace Aevb.Training.Runs;

/// <summary>
/// AEVB's step (Algorithm 1): estimate the bound and its gradient on a minibatch with an SGVB estimator, scale to
/// the full data, step the optimiser. Figure runs use estimator B, L = 1 and Adagrad; <see cref="Trainer"/> steps
/// through the same learner with <c>aevb train</c>'s estimator, L and optimiser, so there is one AEVB step.
/// </summary>
internal sealed class AevbLearner : RunLearner
{
    public AevbLearner(Vae model, RunSettings settings)
        : this(model, new SgvbEstimator(model, Inference.Estimator.B, samplesPerDatapoint: 1),
            new Adagrad(model.Parameters, settings.LearningRate, settings.WeightDecay))
    {
    }

    public AevbLearner(Vae model, SgvbEstimator estimator, Optimizer optimizer) : base(model)
    {
        Estimator = estimator;
        Optimizer = optimizer;
    }

    public SgvbEstimator Estimator { get; }

    public Optimizer Optimizer { get; }

    public override double Step(Tensor batch, ReadOnlySpan<int> indices, float scale, Rng rng)
    {
        Model.ZeroGrad();
        var bound = Estimator.Forward(batch, rng);
        if (!float.IsFinite(bound)) return bound; // the run reports divergence; parameters stay untouched
        Estimator.Backward(scale);
        Optimizer.Step();
        return bound;
    }

    public override void SetLearningRate(float rate) => Optimizer.LearningRate = rate;

    public override IEnumerable<(string, StateBuffer)> StateBuffers() => OptimizerState("optimizer", Optimizer);
}
