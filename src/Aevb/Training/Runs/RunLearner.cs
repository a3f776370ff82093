using System.Globalization;
using System.Runtime.InteropServices;
using Aevb.Inference;
using Aevb.Models;
using Aevb.Optim;
using Aevb.Tensors;

namespace Aevb.Training.Runs;

/// <summary>A writable view of one state buffer (optimiser sums, chain states) for checkpoints.</summary>
internal delegate Span<float> StateBuffer();

/// <summary>
/// One method's training state behind a common step: a <see cref="Vae"/> (for MCEM only its decoder learns; the
/// encoder is kept so that every run's checkpoint has the same format), the optimiser state, and for MCEM the
/// chains. Checkpoints save <see cref="StateBuffers"/> beside the model's parameters.
/// </summary>
internal abstract class RunLearner
{
    protected RunLearner(Vae model) => Model = model;

    public Vae Model { get; }

    /// <summary>Whether the model's encoder is trained (and so its lower bound and the importance-sampled estimate mean something).</summary>
    public virtual bool HasEncoder => true;

    /// <summary>One update on a minibatch whose rows are training points <paramref name="indices"/>; returns its training objective.</summary>
    public abstract double Step(Tensor batch, ReadOnlySpan<int> indices, float scale, Rng rng);

    /// <summary>Sets the global step size of every optimiser (for annealing).</summary>
    public abstract void SetLearningRate(float rate);

    /// <summary>Named buffers that, with the parameters, make the state resumable.</summary>
    public abstract IEnumerable<(string Name, StateBuffer Buffer)> StateBuffers();

    /// <summary>Scalars to checkpoint (e.g. MCEM's step size).</summary>
    public virtual IReadOnlyDictionary<string, string> StateMetadata() => new Dictionary<string, string>();

    public virtual void RestoreMetadata(SafeTensorsFile checkpoint) { }

    public static RunLearner Create(RunSettings settings, Vae model, int trainCount, Rng rng) => settings.Method switch
    {
        RunMethod.Aevb => new AevbLearner(model, settings),
        RunMethod.WakeSleep => new WakeSleepLearner(model, settings),
        RunMethod.MonteCarloEm => new McemLearner(model, settings, trainCount, rng),
        _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Method, null),
    };

    /// <summary>
    /// Adagrad's running sums of squares, writable. The optimiser exposes them read-only, but a resumed run must
    /// restore them (or Adagrad restarts with large steps), so the checkpoint writes through to the same memory.
    /// </summary>
    protected static IEnumerable<(string, StateBuffer)> AdagradState(string prefix, Optimizer optimizer)
    {
        if (optimizer is not Adagrad adagrad) throw new NotSupportedException("Figure runs checkpoint Adagrad only.");
        for (var i = 0; i < adagrad.Parameters.Count; i++)
        {
            var index = i;
            yield return ($"{prefix}.{i}", () =>
            {
                var sums = adagrad.SumOfSquares(index);
                return MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(sums), sums.Length);
            });
        }
    }
}

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

/// <summary>Wake-sleep with the same model; the objective reported is the wake phase's <c>log p(x, z)</c>.</summary>
internal sealed class WakeSleepLearner : RunLearner
{
    private readonly WakeSleep _method;

    public WakeSleepLearner(Vae model, RunSettings settings) : base(model)
        => _method = new WakeSleep(model, settings.LearningRate, settings.WeightDecay) { DreamMeans = settings.WakeSleepDreamMeans };

    public override double Step(Tensor batch, ReadOnlySpan<int> indices, float scale, Rng rng)
    {
        _method.Step(batch, scale, rng);
        return _method.LastWakeObjective;
    }

    public override void SetLearningRate(float rate) => _method.GenerativeOptimizer.LearningRate = _method.RecognitionOptimizer.LearningRate = rate;

    public override IEnumerable<(string, StateBuffer)> StateBuffers()
        => AdagradState("generative_optimizer", _method.GenerativeOptimizer)
            .Concat(AdagradState("recognition_optimizer", _method.RecognitionOptimizer));
}

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
