using Aevb.Models;
using Aevb.Optim;
using Aevb.Tensors;

namespace Aevb.Inference;

/// <summary>
/// Monte Carlo EM as in the paper's Appendix E, the third method of Figure 3: the generative model alone
/// (prior <c>N(0, I)</c> and a <see cref="Decoder"/>; no recognition model), with one HMC chain per training
/// point whose state is kept between visits. Each <see cref="Step"/> on a minibatch
/// <list type="number">
/// <item>E-step: moves each point's chain by one HMC transition of <see cref="LeapfrogSteps"/> (10) leapfrog
/// steps, with one step size for all chains adapted after every minibatch towards 90% acceptance;</item>
/// <item>M-step: <see cref="WeightUpdates"/> (5) optimiser steps of the decoder's parameters up
/// <c>log p(x, z)</c> at the acquired samples (Adagrad, the same <c>N(0, 1/λ)</c> prior and N/M scaling as AEVB).</item>
/// </list>
/// Why one shared step size rather than one per chain: a chain is visited once per epoch, so a per-chain
/// step size gets one adaptation update per epoch, far too slow to follow the posteriors as they narrow
/// while the model learns (measured: acceptance stuck at 20–40% for 15 epochs on 300 MNIST digits);
/// a shared one is updated every minibatch. Appendix E likewise speaks of one tuned step size.
/// <para>
/// The per-point chain cost (11 decoder forward+backward passes per visit, plus 5 for the updates) is what makes
/// MCEM impractical on the full data set, the paper's point in Figure 3.
/// </para>
/// </summary>
public sealed class MonteCarloEm
{
    private readonly Decoder _decoder;
    private readonly float[] _z;          // [N, d] chain states
    private readonly bool[] _visited;
    private readonly Hmc _hmc;
    private readonly LatentPosterior _posterior;
    private Tensor? _zBatch;

    /// <param name="decoder">The generative model p(x|z) being learned.</param>
    /// <param name="trainCount">N: one chain per training point, indexed 0..N−1.</param>
    /// <param name="rng">Draws the chains' starting states from the prior.</param>
    public MonteCarloEm(Decoder decoder, int trainCount, Rng rng, float learningRate = 0.02f, float weightDecay = 1f,
        OptimizerKind optimizer = OptimizerKind.Adagrad)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trainCount);
        _decoder = decoder;
        TrainCount = trainCount;
        _z = new float[(long)trainCount * decoder.LatentSize];
        rng.FillNormal(_z);
        _visited = new bool[trainCount];
        Optimizer = Optimizers.Create(optimizer, decoder.NamedParameters().Select(p => p.Parameter), learningRate, weightDecay);
        Model = new DecoderLatentModel(decoder);
        _posterior = new LatentPosterior(Model, new Tensor(1, decoder.OutputSize));
        // The shared step size is moved by the mean acceptance of a whole minibatch, a low-noise signal, so it can
        // take a larger gain than per-chain adaptation: 0.5 tracks the narrowing posteriors within about an epoch
        // of 300 digits (measured 0.1: acceptance still ~0.65 after 15 epochs; 1.0: overshoots to 1.0 at first).
        _hmc = new Hmc(_posterior, leapfrogSteps: 10, initialStepSize: 0.1f)
        {
            TargetAcceptance = 0.9f,
            Adaptation = StepSizeAdaptation.Shared,
            AdaptationRate = 0.5f,
        };
    }

    public Decoder Decoder => _decoder;

    public DecoderLatentModel Model { get; }

    public Optimizer Optimizer { get; }

    public int TrainCount { get; }

    /// <summary>Leapfrog steps per E-step (Appendix E: 10).</summary>
    public int LeapfrogSteps
    {
        get => _hmc.LeapfrogSteps;
        set => _hmc.LeapfrogSteps = value;
    }

    /// <summary>Acceptance rate the step sizes are tuned towards (Appendix E: 90%).</summary>
    public float TargetAcceptance
    {
        get => _hmc.TargetAcceptance;
        set => _hmc.TargetAcceptance = value;
    }

    /// <summary>
    /// Start each visited point's chain from a fresh prior draw instead of where it stopped at its last visit (an
    /// ablation: Appendix E does not say how its chains start; persistent chains are our default).
    /// </summary>
    public bool ChainsFromPrior { get; set; }

    /// <summary>Optimiser steps per E-step with the acquired sample (Appendix E: 5).</summary>
    public int WeightUpdates { get; set; } = 5;

    /// <summary>
    /// Whether the M-step's first update takes the decoder's pass at the new samples from the E-step (see
    /// <see cref="Decoder.TryReuseForward"/>) instead of recomputing it; the same bits either way (tests, benchmarks).
    /// </summary>
    internal bool ReuseSamplerPass { get; set; } = true;

    /// <summary>The sampler, for its settings (jitter, adaptation rate) and statistics.</summary>
    public Hmc Sampler => _hmc;

    /// <summary>Mean HMC acceptance probability of the last E-step.</summary>
    public double LastAcceptance { get; private set; } = double.NaN;

    /// <summary>Mean <c>log p(x, z)</c> at the new samples, before the M-step, of the last step: the complete-data objective.</summary>
    public float LastObjective { get; private set; } = float.NaN;

    /// <summary>Chain state of training point <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> ChainState(int index) => _z.AsSpan(index * _decoder.LatentSize, _decoder.LatentSize);

    /// <summary>All chain states <c>[N·d]</c> (for checkpoints); writable to restore them.</summary>
    public Span<float> ChainStates => _z;

    /// <summary>The shared leapfrog step size; NaN until the first step finds one (see <see cref="Hmc.FindReasonableStepSize"/>).</summary>
    public float StepSize { get; set; } = float.NaN;

    public Span<bool> Visited => _visited;

    /// <summary>
    /// One E-step and M-step on the minibatch <paramref name="x"/> <c>[M, D]</c> whose rows are the training points
    /// <paramref name="indices"/>. <paramref name="scale"/> is N/M.
    /// </summary>
    public void Step(Tensor x, ReadOnlySpan<int> indices, float scale, Rng rng)
    {
        int m = x.Rows, d = _decoder.LatentSize;
        if (indices.Length != m) throw new ArgumentException($"{indices.Length} indices for a batch of {m}.", nameof(indices));
        if (x.Cols != _decoder.OutputSize) throw new ArgumentException($"The model takes {_decoder.OutputSize} inputs; the batch has {x.Cols} columns.", nameof(x));

        // E-step: restore the chains of these points, move them, store them back.
        var zBatch = Tensor.Ensure(ref _zBatch, m, d);
        for (var r = 0; r < m; r++)
        {
            var i = indices[r];
            if ((uint)i >= (uint)TrainCount) throw new ArgumentOutOfRangeException(nameof(indices), i, $"Index outside 0..{TrainCount - 1}.");
            _z.AsSpan(i * d, d).CopyTo(zBatch.Row(r));
        }
        if (ChainsFromPrior) rng.FillNormal(zBatch.Span);
        MoveChains(x, zBatch, rng);
        var zNew = _hmc.Position;
        for (var r = 0; r < m; r++)
        {
            var i = indices[r];
            zNew.Row(r).CopyTo(_z.AsSpan(i * d, d));
            _visited[i] = true;
        }

        // The objective log p(x, z) at the new samples, with the weights the sampler used: its own log densities.
        var logJoint = _hmc.LogProb;
        double total = 0;
        for (var r = 0; r < m; r++) total += logJoint[r];
        LastObjective = (float)(total / m);

        // M-step: several updates at the same sample. The first needs the decoder's pass at the new samples, which
        // the E-step has computed already: the trajectory's end for accepted chains, its start for rejected ones.
        for (var k = 0; k < WeightUpdates; k++)
        {
            if (k > 0 || !ReuseSamplerPass || !_decoder.TryReuseForward(zNew)) _decoder.ForwardForLikelihood(zNew);
            Optimizer.ZeroGrad();
            _decoder.Backward(x, -scale);
            Optimizer.Step();
        }
    }

    /// <summary>
    /// The E-step's HMC transition from <paramref name="zBatch"/>, the weights held (and kept packed) throughout.
    /// </summary>
    private void MoveChains(Tensor x, Tensor zBatch, Rng rng)
    {
        using var frozen = _decoder.FreezeWeights();
        _posterior.X = x;
        _hmc.Target = _posterior;
        _hmc.Initialize(zBatch);
        // The pass at the chains' start (the sampler's first), kept for the M-step's rejected chains.
        _hmc.Refresh();
        if (ReuseSamplerPass) _decoder.KeepForward();
        if (float.IsNaN(StepSize))
        {
            // First step: the doubling/halving search per chain, then their median as the shared start.
            _hmc.FindReasonableStepSize(rng);
            var found = _hmc.StepSize.ToArray();
            Array.Sort(found);
            StepSize = found[found.Length / 2];
        }
        _hmc.StepSize.Fill(StepSize);
        LastAcceptance = _hmc.Step(rng);
        StepSize = _hmc.StepSize[0];
    }
}
