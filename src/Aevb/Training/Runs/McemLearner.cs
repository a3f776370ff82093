using System.Globalization;
using Aevb.Inference;
using Aevb.Models;
using Aevb.Optim;
using Aevb.Tensors;

namespace Aevb.Training.Runs;

/// <summary>Monte Carlo EM on the decoder; one chain per training point.</summary>
internal sealed class McemLearner : RunLearner
{
    private readonly MonteCarloEm _method;
    private readonly float[] _visited;

    public McemLearner(Vae model, RunSettings settings, int trainCount, Rng rng) : base(model)
    {
        _method = new MonteCarloEm(model.Decoder, trainCount, rng, settings.LearningRate, settings.WeightDecay)
        {
            LeapfrogSteps = settings.McemLeapfrog,
            WeightUpdates = settings.McemWeightUpdates,
            ChainsFromPrior = settings.McemChainStart == McemChainStart.Prior,
            TargetAcceptance = settings.McemTargetAcceptance,
        };
        _visited = new float[trainCount];
    }

    public override bool HasEncoder => false;

    public override void SetLearningRate(float rate) => _method.Optimizer.LearningRate = rate;

    public override double Step(Tensor batch, ReadOnlySpan<int> indices, float scale, Rng rng)
    {
        _method.Step(batch, indices, scale, rng);
        return _method.LastObjective;
    }

    public override IEnumerable<(string, StateBuffer)> StateBuffers()
    {
        foreach (var s in AdagradState("optimizer", _method.Optimizer)) yield return s;
        yield return ("mcem.chains", () => _method.ChainStates);
        yield return ("mcem.visited", () =>
        {
            // Exposed as 0/1 floats for the checkpoint; copied back into the bool flags by RestoreMetadata.
            var visited = _method.Visited;
            for (var i = 0; i < _visited.Length; i++) _visited[i] = visited[i] ? 1f : 0f;
            return _visited;
        });
    }

    public override IReadOnlyDictionary<string, string> StateMetadata() => new Dictionary<string, string>
    {
        ["mcem.step_size"] = _method.StepSize.ToString("R", CultureInfo.InvariantCulture),
    };

    public override void RestoreMetadata(SafeTensorsFile checkpoint)
    {
        if (checkpoint.Metadata.ContainsKey("mcem.step_size"))
            _method.StepSize = (float)checkpoint.Number("mcem.step_size", float.Epsilon, float.MaxValue);
        var visited = _method.Visited;
        for (var i = 0; i < _visited.Length; i++) visited[i] = _visited[i] != 0f;
    }
}
