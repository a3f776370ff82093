using Aevb.Inference;
using Aevb.Models;
using Aevb.Optim;
using Aevb.Tensors;

namespace Aevb.Training.Runs;

/// <summary>AEVB: estimator B, L = 1, Adagrad on all parameters (Algorithm 1).</summary>
internal sealed class AevbLearner : RunLearner
{
    private readonly SgvbEstimator _estimator;
    private readonly Optimizer _optimizer;

    public AevbLearner(Vae model, RunSettings settings) : base(model)
    {
        _estimator = new SgvbEstimator(model, Estimator.B, samplesPerDatapoint: 1);
        _optimizer = new Adagrad(model.Parameters, settings.LearningRate, settings.WeightDecay);
    }

    public override double Step(Tensor batch, ReadOnlySpan<int> indices, float scale, Rng rng)
    {
        Model.ZeroGrad();
        var bound = _estimator.Forward(batch, rng);
        if (!float.IsFinite(bound)) return bound; // the run reports divergence; parameters stay untouched
        _estimator.Backward(scale);
        _optimizer.Step();
        return bound;
    }

    public override void SetLearningRate(float rate) => _optimizer.LearningRate = rate;

    public override IEnumerable<(string, StateBuffer)> StateBuffers() => AdagradState("optimizer", _optimizer);
}
