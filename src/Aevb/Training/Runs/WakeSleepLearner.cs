using Aevb.Inference;
using Aevb.Models;
using Aevb.Optim;
using Aevb.Tensors;

namespace Aevb.Training.Runs;

/// <summary>Wake-sleep with the same model; the objective reported is the wake phase's <c>log p(x, z)</c>.</summary>
internal sealed class WakeSleepLearner : RunLearner
{
    private readonly WakeSleep _method;

    public WakeSleepLearner(Vae model, RunSettings settings) : base(model)
        => _method = new WakeSleep(model, settings.LearningRate, settings.WeightDecay)
        {
            DreamMeans = settings.WakeSleepDreamMeans,
        };

    public override double Step(Tensor batch, ReadOnlySpan<int> indices, float scale, Rng rng)
    {
        _method.Step(batch, scale, rng);
        return _method.LastWakeObjective;
    }

    public override void SetLearningRate(float rate)
        => _method.GenerativeOptimizer.LearningRate = _method.RecognitionOptimizer.LearningRate = rate;

    public override IEnumerable<(string, StateBuffer)> StateBuffers()
        => AdagradState("generative_optimizer", _method.GenerativeOptimizer)
            .Concat(AdagradState("recognition_optimizer", _method.RecognitionOptimizer));
}
