using Aevb.Inference;
using Aevb.Models;
using Aevb.Optim;
using Aevb.Tensors;

namespace Aevb.Training.Runs;

/// <summary>
/// The importance-weighted bound (Burda, Grosse and Salakhutdinov 2016) with k samples per datapoint, trained like
/// AEVB (Adagrad on every parameter, the same minibatch, step-size choice and weight-decay prior): the paper's model
/// with a tighter bound. Its evaluations are the other methods' (the L = 1 bound of Figure 2, the Appendix D
/// marginal likelihood of Figure 3), so its curves read on the same axes.
/// </summary>
internal sealed class IwaeLearner : RunLearner
{
    private readonly ImportanceWeightedBound _bound;
    private readonly Optimizer _optimizer;

    public IwaeLearner(Vae model, RunSettings settings) : base(model)
    {
        _bound = new ImportanceWeightedBound(model, (int)settings.MethodOption("k"));
        _optimizer = new Adagrad(model.Parameters, settings.LearningRate, settings.WeightDecay);
    }

    public override double Step(Tensor batch, ReadOnlySpan<int> indices, float scale, Rng rng)
    {
        Model.ZeroGrad();
        var bound = _bound.Step(batch, scale, rng); // adds the gradient only when the bound is finite
        if (float.IsFinite(bound)) _optimizer.Step();
        return bound;
    }

    public override void SetLearningRate(float rate) => _optimizer.LearningRate = rate;

    public override IEnumerable<(string, StateBuffer)> StateBuffers() => AdagradState("optimizer", _optimizer);
}
