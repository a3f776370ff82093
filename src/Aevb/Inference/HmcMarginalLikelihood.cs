using Aevb.Tensors;

namespace Aevb.Inference;

/// <summary>
/// The paper's marginal-likelihood estimator (Kingma &amp; Welling 2014, Appendix D), for low-dimensional z:
/// <list type="number">
/// <item>draw L samples from the posterior <c>p(z|x)</c> with HMC
/// (gradient <c>∇z log p(z) + ∇z log p(x|z)</c>);</item>
/// <item>fit a density <c>q(z)</c> to them: here a mixture of Gaussians, one per chain at its sample mean, sharing
/// the pooled within-chain covariance (one chain: the Gaussian with the samples' mean and covariance);</item>
/// <item>draw L <em>new</em> posterior samples and use
/// <c>1/p(x) ≈ (1/L) Σ_l q(z_l) / (p(z_l) p(x|z_l))</c>, because
/// <c>E_{p(z|x)}[q(z)/p(x,z)] = ∫ q(z) dz / p(x) = 1/p(x)</c>.</item>
/// </list>
/// Step 3 samples come from the posterior, not from q (it is a reverse importance / harmonic-mean-type
/// estimator, well behaved only when q puts no mass where the posterior has little: q must sit inside the
/// posterior). Why a per-chain mixture rather than one Gaussian: on a posterior with separated modes one Gaussian
/// spreads its mass over the gap between them, where no posterior sample lands, and the estimate comes out nats too
/// high (measured on a two-mode test posterior: +2 nats); a component per chain stays inside the mode its chain is
/// in. (Drawing the step-3 samples from q instead would estimate <c>∫q²/p(x,z)</c>, not <c>1/p(x)</c>.) Computed in
/// log space: <c>log p̂(x) = −log mean_l exp(log q(z_l) − log p(x, z_l))</c>.
/// <para>
/// Chains start by sampling-importance-resampling from <see cref="InitialCandidates"/> prior draws (see there):
/// HMC does not cross between the modes of a sharp posterior, and chains spread over modes by basin rather than
/// by mass bias the estimate by tens of nats (on a Monte Carlo EM model of Figure 3: −160 instead of −140 nats,
/// while importance sampling from the same fitted q, <see cref="EstimateWithCheck"/>, said −140).
/// </para>
/// <para>
/// Batched: <see cref="ChainsPerPoint"/> independent chains per datapoint (half give the samples q is fitted to,
/// the other half the fresh samples of step 3, so the two sets are independent), all datapoints' chains in one
/// <see cref="Hmc"/> batch (split in groups of at most <see cref="MaxRows"/> rows). Chains start as above (or from
/// given states), find a step-size scale, tune their step sizes towards <see cref="TargetAcceptance"/> during
/// <see cref="WarmupSteps"/> transitions, then sample with the step sizes frozen (an exact HMC chain), keeping one
/// state every <see cref="Thin"/> transitions.
/// </para>
/// </summary>
public sealed partial class HmcMarginalLikelihood
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
    /// e.g. the encoder's means) starts every chain of datapoint i at row i; otherwise chains start at
    /// <c>N(0, I)</c> draws.
    /// </summary>
    public MarginalLikelihoodEstimate Estimate(Tensor x, Rng rng, Tensor? initial = null) =>
        EstimateWithCheck(x, rng, initial).AppendixD;

    /// <summary>
    /// Draws from the fitted q per datapoint for <see cref="EstimateWithCheck"/>'s cross-check (0: no check).
    /// </summary>
    public int FittedProposalSamples { get; set; }

    /// <summary>
    /// As <see cref="Estimate"/>, plus, when <see cref="FittedProposalSamples"/> &gt; 0, ordinary importance sampling
    /// with the same fitted q as proposal: <c>log (1/K) Σ_k p(x, z_k)/q(z_k)</c>, <c>z_k ~ q</c>. The two use q in
    /// opposite directions and err in opposite directions: the Appendix D (reverse) estimate tends to come out too
    /// high when the posterior has mass q misses (e.g. a mode its fit chains never visited), the forward one too
    /// low. Together they bracket <c>log p(x)</c> in practice; a wide gap says the estimate is not to be trusted.
    /// </summary>
    public (MarginalLikelihoodEstimate AppendixD, MarginalLikelihoodEstimate? FittedProposal) EstimateWithCheck(
        Tensor x, Rng rng, Tensor? initial = null)
    {
        if (x.Cols != Model.InputDim)
            throw new ArgumentException(
                $"Datapoints have {x.Cols} features; the model expects {Model.InputDim}.", nameof(x));
        int d = Model.LatentDim, c = ChainsPerPoint;
        if (initial is not null && !initial.HasShape(x.Rows, d))
            throw new ArgumentException(
                $"Initial states must be [{x.Rows}, {d}], got [{initial.Rows}, {initial.Cols}].", nameof(initial));
        if (Samples < d + 2)
            throw new ArgumentException(
                $"Fitting a {d}-dimensional Gaussian needs more than {d + 1} samples; Samples is {Samples}.");
        if (c < 2)
            throw new ArgumentException(
                $"ChainsPerPoint must be at least 2 (one set fits q, another scores it); got {c}.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Thin);
        // The model is fixed throughout: a decoder keeps its weights packed for all the passes (same bits).
        using var frozen = Model is DecoderLatentModel m ? m.Decoder.FreezeWeights() : default;

        var estimate = new double[x.Rows];
        var error = new double[x.Rows];
        var forward = new double[x.Rows];
        var forwardError = new double[x.Rows];
        var pointsPerGroup = Math.Max(1, MaxRows / c);
        double acceptSum = 0;
        long acceptCount = 0;
        for (var first = 0; first < x.Rows; first += pointsPerGroup)
        {
            var points = Math.Min(pointsPerGroup, x.Rows - first);
            var (sum, count, fits) = EstimateGroup(x, first, points, initial, rng, estimate, error);
            acceptSum += sum;
            acceptCount += count;
            if (FittedProposalSamples > 0)
                for (var p = 0; p < points; p++)
                    (forward[first + p], forwardError[first + p]) = ImportanceWithFit(x.Row(first + p), fits[p], rng);
        }
        var appendixD = new MarginalLikelihoodEstimate(estimate, error, "hmc", Samples, acceptSum / acceptCount);
        var check = FittedProposalSamples > 0
            ? new MarginalLikelihoodEstimate(forward, forwardError, "hmc-fit-importance", FittedProposalSamples)
            : null;
        return (appendixD, check);
    }

    /// <summary>
    /// Prior draws as candidate starting points, kept by sampling-importance-resampling: weights <c>p(x|z)</c>, so the
    /// chains start roughly as the posterior spreads its mass over modes. HMC chains hardly cross between the modes of
    /// a sharp posterior; started from the prior, each mode would get chains in proportion to its basin, not its mass,
    /// and the Appendix D estimate would be off by tens of nats (measured on an MCEM model).
    /// </summary>
    public int InitialCandidates { get; set; } = 2000;

    private Tensor? _candidateX, _candidateZ, _fitX, _fitZ;
    private float[]? _candidateLogJoint, _fitLogJoint;
    private double[]? _candidateLogW, _candidateCumulative, _fitLogQ;

    /// <summary>
    /// A reused array of exactly <paramref name="length"/> elements (contents left from the last use).
    /// </summary>
    private static T[] Buffer<T>(ref T[]? buffer, int length)
    {
        if (buffer is null || buffer.Length != length) buffer = new T[length];
        return buffer;
    }

    private void ResampleStarts(ReadOnlySpan<float> x, Tensor z0, int firstRow, int chains, Rng rng)
    {
        int d = Model.LatentDim, k = InitialCandidates;
        // Buffers kept between datapoints and calls (a 2000-row copy of x, made for models other than a decoder, is
        // 6 MB: allocating it per point made the evaluation's peak memory several times the data's, in garbage).
        var z = Tensor.Ensure(ref _candidateZ, k, d);
        rng.FillNormal(z.Span);
        var logJoint = Buffer(ref _candidateLogJoint, k);
        LogJointOfOne(x, z, logJoint, ref _candidateX);
        // log p(x|z) = log p(x, z) − log N(z; 0, I): the importance weight of a prior draw.
        var logW = Buffer(ref _candidateLogW, k);
        var max = double.NegativeInfinity;
        for (var r = 0; r < k; r++)
        {
            double sq = 0;
            foreach (var v in z.Row(r)) sq += (double)v * v;
            logW[r] = logJoint[r] + 0.5 * sq + 0.5 * d * Log2Pi;
            if (logW[r] > max) max = logW[r];
        }
        var cumulative = Buffer(ref _candidateCumulative, k);
        double total = 0;
        for (var r = 0; r < k; r++) cumulative[r] = total += double.IsFinite(logW[r]) ? Math.Exp(logW[r] - max) : 0;
        for (var c = 0; c < chains; c++)
        {
            var u = rng.NextDouble() * total;
            var pick = Array.BinarySearch(cumulative, u);
            if (pick < 0) pick = ~pick;
            z.Row(Math.Min(pick, k - 1)).CopyTo(z0.Row(firstRow + c));
        }
    }

    /// <summary>
    /// <c>log p(x, z_r)</c> of the one datapoint <paramref name="x"/> for every row of <paramref name="z"/>. A decoder
    /// reads x in place; another model gets x copied into every row of <paramref name="repeated"/> (kept for the
    /// next call).
    /// </summary>
    private void LogJointOfOne(ReadOnlySpan<float> x, Tensor z, float[] logJoint, ref Tensor? repeated)
    {
        if (Model is DecoderLatentModel decoder)
        {
            decoder.LogJoint(x, z, logJoint);
            return;
        }
        var xs = Tensor.Ensure(ref repeated, z.Rows, x.Length);
        for (var r = 0; r < z.Rows; r++) x.CopyTo(xs.Row(r));
        Model.LogJoint(xs, z, logJoint, null);
    }

    /// <summary>
    /// <c>log mean_k p(x, z_k)/q(z_k)</c> with <c>z_k</c> drawn from the fitted Gaussian q, in chunks of rows.
    /// </summary>
    private (double Estimate, double Error) ImportanceWithFit(ReadOnlySpan<float> x, GaussianFit fit, Rng rng)
    {
        int d = Model.LatentDim, k = FittedProposalSamples, rows = Math.Min(k, MaxRows);
        var z = Tensor.Ensure(ref _fitZ, rows, d);
        var logQ = Buffer(ref _fitLogQ, rows);
        var logJoint = Buffer(ref _fitLogJoint, rows);
        var work = new double[d];
        var acc = new LogMeanExp();
        for (var done = 0; done < k; done += rows)
        {
            var count = Math.Min(rows, k - done);
            for (var r = 0; r < count; r++) logQ[r] = fit.Sample(z.Row(r), rng, work);
            LogJointOfOne(x, z, logJoint, ref _fitX); // rows past count are stale and ignored
            for (var r = 0; r < count; r++) acc.Add(logJoint[r] - logQ[r]);
        }
        return (acc.Value, acc.StandardError);
    }

    /// <summary>
    /// The three stages for datapoints <c>first … first + points − 1</c>, their chains in one HMC batch. The
    /// acceptance is returned weighted by the batch's rows, so that the overall mean is a mean over chains
    /// whatever the groups' sizes.
    /// </summary>
    private (double AcceptSum, long Count, GaussianFit[] Fits) EstimateGroup(
        Tensor x, int first, int points, Tensor? initial, Rng rng, double[] estimate, double[] error)
    {
        var (xRep, z0) = StartingStates(x, first, points, initial, rng);
        var hmc = WarmedUpSampler(xRep, z0, rng);
        var draws = DrawPosteriorSamples(hmc, points, rng);

        // Stage 2: a Gaussian fitted to each point's samples. Stage 3: log q(z) − log p(x, z) on the fresh ones.
        var scoring = new ScoringBuffers(Model.LatentDim, Samples, draws.ScoreChains);
        var fits = new GaussianFit[points];
        for (var p = 0; p < points; p++)
        {
            fits[p] = GaussianFit.From(draws.Fit, p, Samples, Model.LatentDim, draws.FitChains);
            (estimate[first + p], error[first + p]) = ScorePoint(fits[p], draws, p, scoring);
        }
        var rows = points * ChainsPerPoint;
        return (draws.AcceptSum * rows, draws.AcceptCount * rows, fits);
    }

    /// <summary>
    /// Every datapoint of the group repeated once per chain, and the chains' starting states: the given initial
    /// states, or <c>N(0, I)</c> draws replaced (when <see cref="InitialCandidates"/> &gt; 0) by resampled prior draws.
    /// </summary>
    private (Tensor XRep, Tensor Z0) StartingStates(Tensor x, int first, int points, Tensor? initial, Rng rng)
    {
        int d = Model.LatentDim, c = ChainsPerPoint, rows = points * c;
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
        if (initial is null && InitialCandidates > 0)
            for (var p = 0; p < points; p++) ResampleStarts(x.Row(first + p), z0, p * c, c, rng);
        return (xRep, z0);
    }

    /// <summary>
    /// An HMC batch past its warm-up, its step sizes then frozen: only a chain with fixed step sizes leaves the
    /// posterior invariant, so no sample is kept while they still adapt.
    /// </summary>
    private Hmc WarmedUpSampler(Tensor xRep, Tensor z0, Rng rng)
    {
        var hmc = new Hmc(new LatentPosterior(Model, xRep), LeapfrogSteps, InitialStepSize)
        {
            TargetAcceptance = TargetAcceptance,
            Adaptation = StepSizeAdaptation.PerChain,
        };
        hmc.Initialize(z0);
        hmc.FindReasonableStepSize(rng);
        for (var t = 0; t < WarmupSteps; t++) hmc.Step(rng);
        hmc.Adaptation = StepSizeAdaptation.None;
        return hmc;
    }

    /// <summary>
    /// The kept samples of one group: <c>Fit[p, s, :]</c> for fitting q, <c>Score[p, s, :]</c> with their
    /// <c>log p(x, z)</c> in <c>ScoreLogJoint[p, s]</c> for scoring it; sample s came from chain s % chains of its set.
    /// </summary>
    private sealed record PosteriorDraws(
        double[,,] Fit, double[,,] Score, double[,] ScoreLogJoint, int FitChains, int ScoreChains,
        double AcceptSum, long AcceptCount);

    private PosteriorDraws DrawPosteriorSamples(Hmc hmc, int points, Rng rng)
    {
        int d = Model.LatentDim, c = ChainsPerPoint, l = Samples;
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
        return new PosteriorDraws(fitSamples, scoreSamples, scoreLogJoint, fitChains, scoreChains, acceptSum,
            acceptCount);
    }

    /// <summary>Work arrays for <see cref="ScorePoint"/>, reused across the datapoints of a group.</summary>
    private sealed class ScoringBuffers(int d, int l, int scoreChains)
    {
        public readonly double[] Work = new double[d];
        public readonly float[] Z = new float[d];
        public readonly double[] Ratio = new double[l];
        public readonly double[] ChainSum = new double[scoreChains];
        public readonly int[] ChainCount = new int[scoreChains];
    }

    /// <summary>
    /// Stage 3 for datapoint p: <c>log p̂(x) = −log mean_s q(z_s)/p(x, z_s)</c> and its standard error.
    /// </summary>
    private (double Estimate, double Error) ScorePoint(
        GaussianFit fit, PosteriorDraws draws, int p, ScoringBuffers buffers)
    {
        int d = Model.LatentDim, l = Samples, scoreChains = draws.ScoreChains;
        var ratio = buffers.Ratio;
        var max = double.NegativeInfinity;
        for (var s = 0; s < l; s++)
        {
            for (var j = 0; j < d; j++) buffers.Z[j] = (float)draws.Score[p, s, j];
            ratio[s] = fit.LogDensity(buffers.Z, buffers.Work) - draws.ScoreLogJoint[p, s];
            if (ratio[s] > max) max = ratio[s];
        }
        // The average of q/p(x, z) estimates 1/p(x). Its error comes from chain means (sample s is from score
        // chain s % scoreChains): samples within a chain are correlated, and which mode each chain sits in is
        // itself random, so iid samples would understate it.
        Array.Clear(buffers.ChainSum);
        Array.Clear(buffers.ChainCount);
        double total = 0;
        for (var s = 0; s < l; s++)
        {
            var w = Math.Exp(ratio[s] - max);
            total += w;
            buffers.ChainSum[s % scoreChains] += w;
            buffers.ChainCount[s % scoreChains]++;
        }
        var mean = total / l;
        var estimate = double.IsFinite(max) ? -(max + Math.Log(mean)) : double.NaN;
        return (estimate, ScoreError(ratio, max, mean, buffers));
    }

    /// <summary>
    /// The standard error of <see cref="ScorePoint"/>'s estimate, from the spread of its chains' means.
    /// </summary>
    private double ScoreError(double[] ratio, double max, double mean, ScoringBuffers buffers)
    {
        int l = Samples, scoreChains = buffers.ChainSum.Length;
        if (scoreChains > 1)
        {
            double spread = 0;
            for (var k = 0; k < scoreChains; k++)
            {
                var diff = buffers.ChainSum[k] / buffers.ChainCount[k] - mean;
                spread += diff * diff;
            }
            return Math.Sqrt(spread / (scoreChains - 1) / scoreChains) / mean;
        }
        // One scoring chain: only the (optimistic) error of independent samples is available.
        double squares = 0;
        for (var s = 0; s < l; s++) squares += Math.Exp(2 * (ratio[s] - max));
        return Math.Sqrt(Math.Max(0, squares / l - mean * mean) / l) / mean;
    }
}
