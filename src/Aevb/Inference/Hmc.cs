using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Aevb.Tensors;

namespace Aevb.Inference;

/// <summary>How <see cref="Hmc"/> tunes its leapfrog step size towards <see cref="Hmc.TargetAcceptance"/>.</summary>
public enum StepSizeAdaptation
{
    /// <summary>Step sizes stay as they are: the chain is an exact (reversible) HMC chain.</summary>
    None,

    /// <summary>Each chain moves its own step size (chains may target different posteriors).</summary>
    PerChain,

    /// <summary>One step size for the batch, moved by the batch's mean acceptance probability.</summary>
    Shared,
}

/// <summary>
/// Hybrid (Hamiltonian) Monte Carlo (Duane, Kennedy, Pendleton &amp; Roweth 1987; Neal 2011) over a batch of
/// independent chains, one per row of <see cref="Position"/>: unit mass matrix, momentum <c>p ~ N(0, I)</c>,
/// <see cref="LeapfrogSteps"/> leapfrog steps of size <c>ε_i</c> (randomly jittered, see <see cref="StepSizeJitter"/>), then a Metropolis accept/reject per chain on
/// <c>H = −log π(z) + ½|p|²</c>. Every leapfrog step is one batched call of the target, so the cost per
/// transition is <c>LeapfrogSteps</c> forward+backward passes of the decoder for the whole batch.
/// <para>
/// Step sizes adapt by a Robbins–Monro rule on <c>log ε</c>: <c>log ε ← log ε + γ (α − α*)</c> with α the
/// transition's acceptance probability and α* = <see cref="TargetAcceptance"/> (0.9 as in the paper's
/// Appendix E). Its fixed point is where the mean acceptance probability equals α*. Adaptation breaks exact
/// reversibility, so samples that must come from the posterior (the Appendix D estimator) are drawn with
/// <see cref="StepSizeAdaptation.None"/> after a tuning phase.
/// </para>
/// <para>
/// All buffers are allocated in <see cref="Initialize"/> and reused: <see cref="Step"/> allocates nothing.
/// Deterministic for a given <see cref="Rng"/> state (and a deterministic target).
/// </para>
/// </summary>
public sealed class Hmc
{
    private ILogDensity _target;
    private Tensor _z = Tensor.Empty, _grad = Tensor.Empty;
    private Tensor _zNew = Tensor.Empty, _gradNew = Tensor.Empty, _momentum = Tensor.Empty, _momentum0 = Tensor.Empty;
    private float[] _logProb = [], _logProbNew = [], _stepSize = [], _acceptProb = [], _epsilon = [];
    private double[] _h0 = [];
    private sbyte[] _direction = [];
    private bool _fresh;

    public Hmc(ILogDensity target, int leapfrogSteps = 10, float initialStepSize = 0.1f)
    {
        _target = target;
        LeapfrogSteps = leapfrogSteps;
        InitialStepSize = initialStepSize;
    }

    /// <summary>The density sampled from. Setting it (e.g. to another batch of datapoints) re-evaluates the chains on the next step.</summary>
    public ILogDensity Target
    {
        get => _target;
        set
        {
            _target = value;
            _fresh = false;
        }
    }

    /// <summary>Leapfrog steps per transition (the paper's MCEM: 10).</summary>
    public int LeapfrogSteps
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    }

    /// <summary>Step size given to chains created by <see cref="Initialize"/>.</summary>
    public float InitialStepSize { get; set; }

    /// <summary>
    /// Each transition uses <c>ε_i (1 + j u)</c> with <c>u ~ U(−1, 1)</c> drawn per chain (default j = 0.2). A fixed
    /// trajectory length <c>L ε</c> can be close to a multiple of half a period of some direction of a Gaussian-like
    /// posterior, and then HMC only reflects the state there and never mixes (measured: 150 transitions left
    /// the linear-Gaussian posterior 15–30% over-dispersed); randomising ε breaks this (Neal 2011, §5.4.2.2)
    /// and, being independent of the state, keeps the chain exact. 0 disables it.
    /// </summary>
    public float StepSizeJitter
    {
        get;
        set
        {
            if (!(value >= 0 && value < 1)) throw new ArgumentOutOfRangeException(nameof(value), value, "StepSizeJitter must be in [0, 1).");
            field = value;
        }
    } = 0.2f;

    /// <summary>Mean acceptance probability the adaptation aims for (default 0.9, Appendix E).</summary>
    public float TargetAcceptance { get; set; } = 0.9f;

    public StepSizeAdaptation Adaptation { get; set; } = StepSizeAdaptation.PerChain;

    /// <summary>Gain γ of the step-size update on the log scale.</summary>
    public float AdaptationRate { get; set; } = 0.1f;

    /// <summary>Bounds on adapted step sizes (keep a chain from freezing at 0 or exploding).</summary>
    public float MinStepSize { get; set; } = 1e-5f;

    public float MaxStepSize { get; set; } = 10f;

    public int Chains => _z.Rows;

    public int Dim => _z.Cols;

    /// <summary>
    /// Current states <c>[chains, d]</c>. Read it freely; after writing into it (or changing the target's
    /// parameters) call <see cref="Invalidate"/> so the next step re-evaluates the target.
    /// </summary>
    public Tensor Position => _z;

    /// <summary>Per-chain leapfrog step sizes; writable (e.g. to restore a chain's tuned step size).</summary>
    public Span<float> StepSize => _stepSize;

    /// <summary><c>log π(z)</c> at <see cref="Position"/> (valid after a step or <see cref="Refresh"/>).</summary>
    public ReadOnlySpan<float> LogProb => _logProb;

    /// <summary>Acceptance probability <c>min(1, e^{−ΔH})</c> of each chain's last transition.</summary>
    public ReadOnlySpan<float> AcceptProbability => _acceptProb;

    /// <summary>Transitions run since <see cref="Initialize"/>, and how many proposals were accepted (over all chains).</summary>
    public long Transitions { get; private set; }

    public long Accepted { get; private set; }

    /// <summary>Sets the batch of chains to <paramref name="initial"/> (<c>[chains, d]</c>, copied). Reuses buffers when the shape is unchanged; step sizes are reset to <see cref="InitialStepSize"/>.</summary>
    public void Initialize(Tensor initial)
    {
        if (initial.Cols != _target.Dim)
            throw new ArgumentException($"Initial states have {initial.Cols} columns; the target has dimension {_target.Dim}.", nameof(initial));
        if (!_z.HasShape(initial.Rows, initial.Cols))
        {
            int n = initial.Rows, d = initial.Cols;
            _z = new Tensor(n, d);
            _grad = new Tensor(n, d);
            _zNew = new Tensor(n, d);
            _gradNew = new Tensor(n, d);
            _momentum = new Tensor(n, d);
            _momentum0 = new Tensor(n, d);
            _logProb = new float[n];
            _logProbNew = new float[n];
            _stepSize = new float[n];
            _epsilon = new float[n];
            _acceptProb = new float[n];
            _h0 = new double[n];
            _direction = new sbyte[n];
        }
        _z.CopyFrom(initial);
        _stepSize.AsSpan().Fill(InitialStepSize);
        _acceptProb.AsSpan().Clear();
        Transitions = 0;
        Accepted = 0;
        _fresh = false;
    }

    /// <summary>Marks the cached log-density and gradient stale (after writing <see cref="Position"/> or changing the target).</summary>
    public void Invalidate() => _fresh = false;

    /// <summary>Evaluates the target at <see cref="Position"/> now.</summary>
    public void Refresh()
    {
        RequireInitialized();
        _target.LogProbAndGrad(_z, _logProb, _grad);
        _fresh = true;
    }

    /// <summary>One HMC transition of every chain. Returns the batch's mean acceptance probability.</summary>
    public double Step(Rng rng)
    {
        RequireInitialized();
        if (!_fresh) Refresh();
        int n = Chains, steps = LeapfrogSteps;

        rng.FillNormal(_momentum.Span);
        for (var i = 0; i < n; i++)
            _h0[i] = -(double)_logProb[i] + 0.5 * TensorPrimitives.SumOfSquares<float>(_momentum.Row(i));

        for (var i = 0; i < n; i++)
            _epsilon[i] = _stepSize[i] * (1f + StepSizeJitter * (2f * rng.NextFloat() - 1f));

        _zNew.CopyFrom(_z);
        _gradNew.CopyFrom(_grad);
        Kick(0.5f);
        for (var l = 0; l < steps; l++)
        {
            for (var i = 0; i < n; i++)
            {
                var z = _zNew.Row(i);
                TensorPrimitives.MultiplyAdd(_momentum.Row(i), _epsilon[i], z, z);
            }
            // Only the trajectory's end point needs log π (for the accept step); the inner points need the gradient alone.
            if (l == steps - 1) _target.LogProbAndGrad(_zNew, _logProbNew, _gradNew);
            else _target.Gradient(_zNew, _logProbNew, _gradNew);
            Kick(l == steps - 1 ? 0.5f : 1f);
        }

        double sumAccept = 0;
        for (var i = 0; i < n; i++)
        {
            var h1 = -(double)_logProbNew[i] + 0.5 * TensorPrimitives.SumOfSquares<float>(_momentum.Row(i));
            var logAccept = _h0[i] - h1;
            // A diverged trajectory (NaN or ∞ energy) is rejected outright.
            var accept = double.IsNaN(logAccept) || double.IsNegativeInfinity(logAccept) ? 0.0 : Math.Min(1.0, Math.Exp(logAccept));
            var u = rng.NextDouble(); // drawn for every chain so the stream does not depend on outcomes
            _acceptProb[i] = (float)accept;
            sumAccept += accept;
            if (u < accept)
            {
                _zNew.Row(i).CopyTo(_z.Row(i));
                _gradNew.Row(i).CopyTo(_grad.Row(i));
                _logProb[i] = _logProbNew[i];
                Accepted++;
            }
        }
        Transitions++;
        var meanAccept = sumAccept / n;
        Adapt(meanAccept);
        return meanAccept;
    }

    /// <summary>
    /// Puts each chain's step size within a factor of two of the one where a single leapfrog step is accepted
    /// with probability ½ (Hoffman &amp; Gelman 2014, Algorithm 4): doubling while it is accepted more, halving while
    /// less. The Robbins–Monro adaptation only moves <c>log ε</c> by <c>γ(α − α*)</c> per transition, which is slow
    /// from a step size orders of magnitude off (α ≈ 1 gives a signal of only 1 − α*); this fixes the scale first.
    /// Costs at most <paramref name="maxRounds"/> + 1 target evaluations; does not move the chains.
    /// </summary>
    public void FindReasonableStepSize(Rng rng, int maxRounds = 30)
    {
        RequireInitialized();
        if (!_fresh) Refresh();
        int n = Chains;
        rng.FillNormal(_momentum0.Span);
        for (var i = 0; i < n; i++)
            _h0[i] = -(double)_logProb[i] + 0.5 * TensorPrimitives.SumOfSquares<float>(_momentum0.Row(i));
        var log2 = Math.Log(0.5);
        SingleLeapfrog();
        var active = 0;
        for (var i = 0; i < n; i++)
        {
            _direction[i] = (sbyte)(LogAcceptOfSingleStep(i) > log2 ? 1 : -1);
            active++;
        }
        for (var round = 0; round < maxRounds && active > 0; round++)
        {
            for (var i = 0; i < n; i++)
                if (_direction[i] != 0)
                    _stepSize[i] = Math.Clamp(_direction[i] > 0 ? _stepSize[i] * 2 : _stepSize[i] * 0.5f, MinStepSize, MaxStepSize);
            SingleLeapfrog();
            for (var i = 0; i < n; i++)
            {
                if (_direction[i] == 0) continue;
                var above = LogAcceptOfSingleStep(i) > log2;
                var atBound = _stepSize[i] <= MinStepSize || _stepSize[i] >= MaxStepSize;
                if (above != (_direction[i] > 0) || atBound)
                {
                    _direction[i] = 0;
                    active--;
                }
            }
        }
    }

    /// <summary>One leapfrog step from <see cref="Position"/> with momentum <c>_momentum0</c> into the proposal buffers.</summary>
    private void SingleLeapfrog()
    {
        _stepSize.AsSpan().CopyTo(_epsilon);
        _momentum.CopyFrom(_momentum0);
        _zNew.CopyFrom(_z);
        _gradNew.CopyFrom(_grad);
        Kick(0.5f);
        for (var i = 0; i < _zNew.Rows; i++)
        {
            var z = _zNew.Row(i);
            TensorPrimitives.MultiplyAdd(_momentum.Row(i), _epsilon[i], z, z);
        }
        _target.LogProbAndGrad(_zNew, _logProbNew, _gradNew);
        Kick(0.5f);
    }

    private double LogAcceptOfSingleStep(int i)
    {
        var h1 = -(double)_logProbNew[i] + 0.5 * TensorPrimitives.SumOfSquares<float>(_momentum.Row(i));
        var logAccept = _h0[i] - h1;
        return double.IsNaN(logAccept) ? double.NegativeInfinity : logAccept;
    }

    /// <summary>Momentum update <c>p ← p + scale·ε_i·∇log π(z_new)</c> for every chain (ε_i of this transition).</summary>
    private void Kick(float scale)
    {
        for (var i = 0; i < _zNew.Rows; i++)
        {
            var p = _momentum.Row(i);
            TensorPrimitives.MultiplyAdd(_gradNew.Row(i), scale * _epsilon[i], p, p);
        }
    }

    private void Adapt(double meanAccept)
    {
        switch (Adaptation)
        {
            case StepSizeAdaptation.PerChain:
                for (var i = 0; i < _stepSize.Length; i++)
                    _stepSize[i] = Move(_stepSize[i], _acceptProb[i]);
                break;
            case StepSizeAdaptation.Shared:
                var shared = Move(_stepSize[0], meanAccept);
                _stepSize.AsSpan().Fill(shared);
                break;
        }
    }

    private float Move(float stepSize, double accept)
    {
        var next = stepSize * Math.Exp(AdaptationRate * (accept - TargetAcceptance));
        return (float)Math.Clamp(next, MinStepSize, MaxStepSize);
    }

    private void RequireInitialized()
    {
        if (_z.Rows == 0) throw new InvalidOperationException("Hmc.Initialize must be called with the starting states before sampling.");
    }
}
