using Aevb.Tensors;

namespace Aevb.Inference;

/// <summary>
/// The paper's marginal-likelihood estimator (Kingma &amp; Welling 2014, Appendix D), for low-dimensional z:
/// <list type="number">
/// <item>draw L samples from the posterior <c>p(z|x)</c> with HMC (gradient <c>∇z log p(z) + ∇z log p(x|z)</c>);</item>
/// <item>fit a density <c>q(z)</c> to them: here a full-covariance Gaussian with their mean and covariance;</item>
/// <item>draw L <em>new</em> posterior samples and use
/// <c>1/p(x) ≈ (1/L) Σ_l q(z_l) / (p(z_l) p(x|z_l))</c>, because
/// <c>E_{p(z|x)}[q(z)/p(x,z)] = ∫ q(z) dz / p(x) = 1/p(x)</c>.</item>
/// </list>
/// Step 3 samples come from the posterior, not from q (it is a reverse importance / harmonic-mean-type
/// estimator, well behaved when q has lighter tails than the posterior, which a fitted Gaussian usually has
/// in few dimensions). Computed in log space: <c>log p̂(x) = −log mean_l exp(log q(z_l) − log p(x, z_l))</c>.
/// <para>
/// Batched: <see cref="ChainsPerPoint"/> independent chains per datapoint (half give the samples q is fitted to,
/// the other half the fresh samples of step 3, so the two sets are independent), all datapoints' chains in one
/// <see cref="Hmc"/> batch (split in groups of at most <see cref="MaxRows"/> rows). Chains start from
/// <c>N(0, I)</c> or from given states, tune their step sizes towards <see cref="TargetAcceptance"/> during
/// <see cref="WarmupSteps"/> transitions, then sample with the step sizes frozen (an exact HMC chain), keeping one
/// state every <see cref="Thin"/> transitions.
/// </para>
/// </summary>
public sealed class HmcMarginalLikelihood
{
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    public HmcMarginalLikelihood(ILatentVariableModel model) => Model = model;

    public ILatentVariableModel Model { get; }

    /// <summary>L, posterior samples per datapoint in each of the two sampling stages.</summary>
    public int Samples { get; set; } = 500;

    public int ChainsPerPoint { get; set; } = 10;

    public int LeapfrogSteps { get; set; } = 10;

    /// <summary>Transitions with step-size adaptation before any sample is kept.</summary>
    public int WarmupSteps { get; set; } = 200;

    /// <summary>Transitions between kept samples of a chain.</summary>
    public int Thin { get; set; } = 2;

    public float TargetAcceptance { get; set; } = 0.9f;

    public float InitialStepSize { get; set; } = 0.1f;

    /// <summary>Most chains (rows) in one HMC batch.</summary>
    public int MaxRows { get; set; } = 2000;

    /// <summary>
    /// Estimates <c>log p(x_i)</c> for every row of <paramref name="x"/>. <paramref name="initial"/> (<c>[n, d]</c>,
    /// e.g. the encoder's means) starts every chain of datapoint i at row i; otherwise chains start at <c>N(0, I)</c> draws.
    /// </summary>
    public MarginalLikelihoodEstimate Estimate(Tensor x, Rng rng, Tensor? initial = null)
    {
        if (x.Cols != Model.InputDim)
            throw new ArgumentException($"Datapoints have {x.Cols} features; the model expects {Model.InputDim}.", nameof(x));
        int d = Model.LatentDim, c = ChainsPerPoint;
        if (initial is not null && !initial.HasShape(x.Rows, d))
            throw new ArgumentException($"Initial states must be [{x.Rows}, {d}], got [{initial.Rows}, {initial.Cols}].", nameof(initial));
        if (Samples < d + 2) throw new ArgumentException($"Fitting a {d}-dimensional Gaussian needs more than {d + 1} samples; Samples is {Samples}.");
        if (c < 2) throw new ArgumentException($"ChainsPerPoint must be at least 2 (one set fits q, another scores it); got {c}.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Thin);

        var estimate = new double[x.Rows];
        var error = new double[x.Rows];
        var pointsPerGroup = Math.Max(1, MaxRows / c);
        double acceptSum = 0;
        long acceptCount = 0;
        for (var first = 0; first < x.Rows; first += pointsPerGroup)
        {
            var points = Math.Min(pointsPerGroup, x.Rows - first);
            var (sum, count) = EstimateGroup(x, first, points, initial, rng, estimate, error);
            acceptSum += sum;
            acceptCount += count;
        }
        return new MarginalLikelihoodEstimate(estimate, error, "hmc", Samples, acceptSum / acceptCount);
    }

    private (double AcceptSum, long Count) EstimateGroup(Tensor x, int first, int points, Tensor? initial, Rng rng, double[] estimate, double[] error)
    {
        int d = Model.LatentDim, c = ChainsPerPoint, rows = points * c, l = Samples;
        var xRep = new Tensor(rows, x.Cols);
        var z0 = new Tensor(rows, d);
        for (var p = 0; p < points; p++)
            for (var k = 0; k < c; k++)
            {
                var r = p * c + k;
                x.Row(first + p).CopyTo(xRep.Row(r));
                if (initial is null) rng.FillNormal(z0.Row(r));
                else initial.Row(first + p).CopyTo(z0.Row(r));
            }

        var hmc = new Hmc(new LatentPosterior(Model, xRep), LeapfrogSteps, InitialStepSize)
        {
            TargetAcceptance = TargetAcceptance,
            Adaptation = StepSizeAdaptation.PerChain,
        };
        hmc.Initialize(z0);
        hmc.FindReasonableStepSize(rng);
        for (var t = 0; t < WarmupSteps; t++) hmc.Step(rng);
        hmc.Adaptation = StepSizeAdaptation.None;

        // Stages 1 and 3 run side by side on disjoint chains: the first half of each datapoint's chains gives
        // the L samples q is fitted to, the second half the L fresh samples it is scored on. Taking both from the
        // same chains one after the other lets autocorrelation make q fit the very points it scores, which
        // biases log p̂ down (by 0.1–0.2 nats on the linear-Gaussian test at L = 400).
        int fitChains = c / 2, scoreChains = c - fitChains;
        var fitSamples = new double[points, l, d];
        var scoreSamples = new double[points, l, d];
        var scoreLogJoint = new double[points, l];
        double acceptSum = 0;
        long acceptCount = 0;
        int fitTaken = 0, scoreTaken = 0;
        while (fitTaken < l || scoreTaken < l)
        {
            for (var t = 0; t < Thin; t++) { acceptSum += hmc.Step(rng); acceptCount++; }
            for (var p = 0; p < points; p++)
            {
                for (var k = 0; k < fitChains && fitTaken + k < l; k++)
                {
                    var zr = hmc.Position.Row(p * c + k);
                    for (var j = 0; j < d; j++) fitSamples[p, fitTaken + k, j] = zr[j];
                }
                for (var k = 0; k < scoreChains && scoreTaken + k < l; k++)
                {
                    var r = p * c + fitChains + k;
                    var zr = hmc.Position.Row(r);
                    for (var j = 0; j < d; j++) scoreSamples[p, scoreTaken + k, j] = zr[j];
                    scoreLogJoint[p, scoreTaken + k] = hmc.LogProb[r];
                }
            }
            fitTaken += fitChains;
            scoreTaken += scoreChains;
        }

        // Stage 2: a Gaussian fitted to each point's samples. Stage 3: log q(z) − log p(x, z) on the fresh ones.
        var work = new double[d];
        var z = new float[d];
        for (var p = 0; p < points; p++)
        {
            var fit = GaussianFit.From(fitSamples, p, l, d);
            var acc = new LogMeanExp();
            for (var s = 0; s < l; s++)
            {
                for (var j = 0; j < d; j++) z[j] = (float)scoreSamples[p, s, j];
                acc.Add(fit.LogDensity(z, work) - scoreLogJoint[p, s]);
            }
            estimate[first + p] = -acc.Value;        // the average estimates 1/p(x)
            error[first + p] = acc.StandardError;    // same delta-method error on the log scale
        }
        return (acceptSum * rows, acceptCount * rows);
    }

    /// <summary>A full-covariance Gaussian fitted by moments, kept as mean and Cholesky factor (float64).</summary>
    private sealed class GaussianFit
    {
        private readonly double[] _mean;
        private readonly double[,] _chol;
        private readonly double _logNorm;

        private GaussianFit(double[] mean, double[,] chol, double logDet)
        {
            _mean = mean;
            _chol = chol;
            _logNorm = -0.5 * (mean.Length * Log2Pi + logDet);
        }

        public static GaussianFit From(double[,,] samples, int p, int l, int d)
        {
            var mean = new double[d];
            for (var s = 0; s < l; s++)
                for (var j = 0; j < d; j++) mean[j] += samples[p, s, j];
            for (var j = 0; j < d; j++) mean[j] /= l;
            var cov = new double[d, d];
            for (var s = 0; s < l; s++)
                for (var a = 0; a < d; a++)
                    for (var b = 0; b <= a; b++)
                        cov[a, b] += (samples[p, s, a] - mean[a]) * (samples[p, s, b] - mean[b]);
            for (var a = 0; a < d; a++)
                for (var b = 0; b <= a; b++)
                    cov[b, a] = cov[a, b] /= l - 1;
            // A stuck chain gives a singular covariance; add the smallest jitter that makes it factorise.
            var trace = 0.0;
            for (var a = 0; a < d; a++) trace += cov[a, a];
            var jitter = 0.0;
            for (var attempt = 0; attempt < 12; attempt++)
            {
                if (TryCholesky(cov, jitter, out var chol, out var logDet)) return new GaussianFit(mean, chol, logDet);
                jitter = jitter == 0 ? Math.Max(1e-10, 1e-8 * trace / d) : jitter * 10;
            }
            throw new InvalidOperationException("The HMC samples' covariance is not positive definite even with jitter; the chains did not move (check the model for NaN).");
        }

        public double LogDensity(ReadOnlySpan<float> z, double[] work)
        {
            var d = _mean.Length;
            // Solve L y = z − μ by forward substitution; log N = logNorm − ½|y|².
            double quad = 0;
            for (var a = 0; a < d; a++)
            {
                var v = z[a] - _mean[a];
                for (var b = 0; b < a; b++) v -= _chol[a, b] * work[b];
                work[a] = v / _chol[a, a];
                quad += work[a] * work[a];
            }
            return _logNorm - 0.5 * quad;
        }

        private static bool TryCholesky(double[,] a, double jitter, out double[,] l, out double logDet)
        {
            var d = a.GetLength(0);
            l = new double[d, d];
            logDet = 0;
            for (var i = 0; i < d; i++)
                for (var j = 0; j <= i; j++)
                {
                    var s = a[i, j] + (i == j ? jitter : 0);
                    for (var k = 0; k < j; k++) s -= l[i, k] * l[j, k];
                    if (i == j)
                    {
                        if (!(s > 0)) return false;
                        l[i, i] = Math.Sqrt(s);
                        logDet += 2 * Math.Log(l[i, i]);
                    }
                    else l[i, j] = s / l[j, j];
                }
            return true;
        }
    }
}
