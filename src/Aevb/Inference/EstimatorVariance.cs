using System.Diagnostics;
using System.Globalization;
using System.Text;
using Aevb.Models;
using Aevb.Nn;
using Aevb.Tensors;

namespace Aevb.Inference;

/// <summary>
/// How noisy one estimator is, measured on one fixed minibatch with L samples per datapoint: the variance
/// over repeated draws of ε of the bound estimate and of its gradient (Section 2.2–2.3).
/// </summary>
/// <param name="Estimator">A, B or the score-function estimator.</param>
/// <param name="SamplesPerDatapoint">L.</param>
/// <param name="Repeats">R, the number of independent draws of ε the variances are computed from.</param>
/// <param name="BoundMean">Mean over the draws of the minibatch's mean bound per datapoint.</param>
/// <param name="BoundVariance">
/// Variance over ε of the minibatch's mean bound per datapoint, <c>(1/M) Σ_i L̃(x_i)</c>. The noise of different
/// datapoints is independent, so this is <c>(1/M²) Σ_i Var[L̃(x_i)]</c>; each <c>Var[L̃(x_i)]</c> is the sample
/// variance (R − 1 denominator) of that datapoint's R estimates, which uses all M·R values and so is far more
/// precise than the variance of R minibatch means. The score-function estimator has the value of A, so the
/// same bound variance.
/// </param>
/// <param name="EncoderGradientVariance">
/// Total variance of the gradient of <c>(1/M) Σ_i L̃(x_i)</c> w.r.t. the encoder parameters φ, per
/// parameter: <c>(1/|φ|) Σ_k Var[g_k]</c> (the trace of the covariance divided by the parameter count).
/// </param>
/// <param name="DecoderGradientVariance">The same for the decoder parameters θ.</param>
public sealed record EstimatorVarianceResult(
    Estimator Estimator,
    int SamplesPerDatapoint,
    int Repeats,
    double BoundMean,
    double BoundVariance,
    double EncoderGradientVariance,
    double DecoderGradientVariance);

/// <summary>
/// The variance of one datapoint's bound estimate (L = 1) split into its parts; see
/// <see cref="EstimatorVariance.DecomposeBoundNoise"/>. Averages over the datapoints of a minibatch.
/// </summary>
/// <param name="LogLikelihoodVariance"><c>Var[log p(x|z)]</c>, which is all of B's variance (its −KL is exact).</param>
/// <param name="KlNoiseVariance"><c>Var[δ]</c> with <c>δ = log p(z) − log q(z|x) + KL</c>, the error of A's sampled KL term.</param>
/// <param name="Covariance"><c>Cov(log p(x|z), δ)</c>.</param>
/// <param name="Repeats">Draws of ε per datapoint.</param>
public sealed record BoundNoiseDecomposition(double LogLikelihoodVariance, double KlNoiseVariance, double Covariance, int Repeats)
{
    /// <summary>Estimator B's variance per datapoint: <c>Var[log p(x|z)]</c>.</summary>
    public double VarianceB => LogLikelihoodVariance;

    /// <summary>Estimator A's variance per datapoint: <c>Var[log p(x|z)] + Var[δ] + 2 Cov(log p(x|z), δ)</c>.</summary>
    public double VarianceA => LogLikelihoodVariance + KlNoiseVariance + 2 * Covariance;

    /// <summary>The correlation of <c>log p(x|z)</c> and <c>δ</c>: negative when the sampled KL term partly cancels the likelihood's noise.</summary>
    public double Correlation => Covariance / Math.Sqrt(LogLikelihoodVariance * KlNoiseVariance);
}

/// <summary>
/// Measures the variance of the SGVB estimators A and B and of the score-function estimator as a function
/// of L, for a <see cref="Vae"/> and one fixed minibatch (the notebook 02 study).
/// </summary>
/// <remarks>
/// <para>For each L the estimators are run on the <em>same</em> draws of ε (common random numbers): draw r
/// of L uses the same noise for every estimator, so differences between them are differences of the
/// estimators, not of the noise. The draws for one L come from their own stream of the seed, so measuring
/// more or fewer values of L does not change the numbers of the others.</para>
/// <para>Gradients are those of the minibatch's <em>mean</em> bound per datapoint, <c>(1/M) Σ_i L̃(x_i)</c>
/// (scale 1/M in <see cref="SgvbEstimator.Backward"/>; a sign does not change a variance, and
/// <see cref="Gradient"/> returns the bound's gradient, not the loss's). The paper's
/// minibatch estimator of the full-data bound (eq. 8) is N times that, so its variances are N² times
/// these; ratios between estimators and slopes against L are the same.</para>
/// <para>Overwrites the model's <see cref="Parameter.Grad"/>s; parameter values are left as they are.</para>
/// </remarks>
public static class EstimatorVariance
{
    /// <summary>
    /// Runs every estimator in <paramref name="estimators"/> for every L in <paramref name="samplesPerDatapoint"/>
    /// on <paramref name="repeats"/> independent draws of ε; returns one result per (L, estimator), L-major.
    /// Writes one line per L to <paramref name="log"/> when given.
    /// </summary>
    public static IReadOnlyList<EstimatorVarianceResult> Measure(Vae model, Tensor batch, IReadOnlyList<Estimator> estimators,
        IReadOnlyList<int> samplesPerDatapoint, int repeats, ulong seed = 1, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(estimators);
        ArgumentNullException.ThrowIfNull(samplesPerDatapoint);
        if (batch.Cols != model.InputSize)
            throw new ArgumentException($"The model takes {model.InputSize} inputs; the batch has {batch.Cols} columns.", nameof(batch));
        if (batch.Rows == 0) throw new ArgumentException("The minibatch is empty.", nameof(batch));
        if (estimators.Count == 0) throw new ArgumentException("Give at least one estimator.", nameof(estimators));
        if (estimators.Distinct().Count() != estimators.Count) throw new ArgumentException("An estimator is listed twice.", nameof(estimators));
        if (samplesPerDatapoint.Count == 0) throw new ArgumentException("Give at least one value of L.", nameof(samplesPerDatapoint));
        foreach (var l in samplesPerDatapoint)
            if (l <= 0) throw new ArgumentOutOfRangeException(nameof(samplesPerDatapoint), l, "L must be positive.");
        if (repeats < 2) throw new ArgumentOutOfRangeException(nameof(repeats), repeats, "A variance needs at least 2 draws.");

        var encoder = model.Encoder.NamedParameters().Select(p => p.Parameter).ToArray();
        var decoder = model.Decoder.NamedParameters().Select(p => p.Parameter).ToArray();
        var stats = estimators.Select(_ => new Accumulator(batch.Rows, Count(encoder), Count(decoder))).ToArray();
        var results = new List<EstimatorVarianceResult>();
        var scale = 1f / batch.Rows;

        foreach (var l in samplesPerDatapoint)
        {
            // Each L has its own stream (seed and L through the generator's scrambled output), so the set of
            // L's measured does not change the noise any one of them sees.
            var rng = new Rng(unchecked(seed * 1_000_003UL + (ulong)l)).Fork();
            var eps = new Tensor(batch.Rows * l, model.LatentSize);
            var sgvb = estimators.Select(k => new SgvbEstimator(model, k, l)).ToArray();
            foreach (var s in stats) s.Reset();
            var watch = Stopwatch.StartNew();
            for (var r = 0; r < repeats; r++)
            {
                rng.FillNormal(eps.Span);
                for (var k = 0; k < sgvb.Length; k++)
                {
                    model.ZeroGrad();
                    sgvb[k].Forward(batch, eps);
                    sgvb[k].Backward(scale);
                    // Backward accumulates the gradient of the loss −(1/M) Σ L̃; the bound's gradient is its negative,
                    // which leaves the variance unchanged, so the loss gradient is accumulated as it is.
                    stats[k].Add(sgvb[k].Bounds, encoder, decoder);
                }
            }
            watch.Stop();
            for (var k = 0; k < sgvb.Length; k++)
                results.Add(stats[k].Result(estimators[k], l));
            if (log is not null)
            {
                // One line per L; the score-function estimator's bound is A's, so its bound variance is left out.
                var mine = results.TakeLast(sgvb.Length).ToArray();
                var line = new StringBuilder();
                line.Append(CultureInfo.InvariantCulture, $"L = {l,3}: {repeats} draws, {watch.Elapsed.TotalSeconds,4:F1} s | Var[bound]");
                foreach (var r in mine.Where(r => r.Estimator != Estimator.ScoreFunction))
                    line.Append(CultureInfo.InvariantCulture, $" {Name(r.Estimator)} {r.BoundVariance:G3}");
                line.Append(" | Var[∇φ]");
                foreach (var r in mine)
                    line.Append(CultureInfo.InvariantCulture, $" {Name(r.Estimator)} {r.EncoderGradientVariance:G3}");
                log.WriteLine(line.ToString());
                log.Flush();
            }
        }
        return results;
    }

    /// <summary>
    /// The gradient of the minibatch's mean bound per datapoint <c>(1/M) Σ_i L̃(x_i)</c> for the given noise
    /// <paramref name="epsilon"/> (<c>[M·L, latent]</c>, rows datapoint-major as in <see cref="SgvbEstimator"/>),
    /// flattened in parameter order: encoder and decoder parts. Overwrites the model's gradients.
    /// </summary>
    public static (float[] Encoder, float[] Decoder) Gradient(Vae model, Tensor batch, Estimator estimator, Tensor epsilon)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(epsilon);
        if (batch.Rows == 0 || epsilon.Rows % batch.Rows != 0 || epsilon.Rows == 0 || epsilon.Cols != model.LatentSize)
            throw new ArgumentException(
                $"ε is [{epsilon.Rows}, {epsilon.Cols}]; a batch of {batch.Rows} needs [{batch.Rows}·L, {model.LatentSize}].", nameof(epsilon));
        var sgvb = new SgvbEstimator(model, estimator, epsilon.Rows / batch.Rows);
        model.ZeroGrad();
        sgvb.Forward(batch, epsilon);
        sgvb.Backward(1f / batch.Rows);
        // Backward gives the loss gradient (−bound); flip it so this is the bound's gradient.
        static float[] Flatten(IEnumerable<Parameter> ps)
        {
            var list = ps.ToArray();
            var flat = new float[Count(list)];
            var at = 0;
            foreach (var p in list)
            {
                for (var i = 0; i < p.Grad.Length; i++) flat[at + i] = -p.Grad.Data[i];
                at += p.Grad.Length;
            }
            return flat;
        }
        return (Flatten(model.Encoder.NamedParameters().Select(p => p.Parameter)),
                Flatten(model.Decoder.NamedParameters().Select(p => p.Parameter)));
    }

    /// <summary>
    /// Why A's and B's bound values differ in variance, per datapoint with L = 1: A's estimate is B's plus
    /// <c>δ = [log p(z) − log q(z|x)] − (−KL)</c>, the Monte Carlo error of A's one-sample estimate of −KL, so
    /// <c>Var[A] = Var[log p(x|z)] + Var[δ] + 2 Cov(log p(x|z), δ)</c> while <c>Var[B] = Var[log p(x|z)]</c>.
    /// Each term is estimated per datapoint of <paramref name="batch"/> from <paramref name="repeats"/> draws of ε
    /// and averaged over the datapoints. Overwrites the model's layer buffers, not its parameters or gradients.
    /// </summary>
    public static BoundNoiseDecomposition DecomposeBoundNoise(Vae model, Tensor batch, int repeats, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Rows == 0) throw new ArgumentException("The minibatch is empty.", nameof(batch));
        if (repeats < 2) throw new ArgumentOutOfRangeException(nameof(repeats), repeats, "A variance needs at least 2 draws.");
        int m = batch.Rows;
        var a = new SgvbEstimator(model, Estimator.A);
        var b = new SgvbEstimator(model, Estimator.B);
        var eps = new Tensor(m, model.LatentSize);
        // −KL does not depend on ε: any draw gives it.
        b.Forward(batch, eps);
        var negKl = new double[m];
        for (var i = 0; i < m; i++) negKl[i] = (double)b.Bounds[i] - b.LogLikelihoods[i];

        var rng = new Rng(seed).Fork();
        var mean = new double[2 * m];
        var co = new double[3 * m]; // Σ dx², Σ dδ², Σ dx·dδ (co-moments)
        for (var r = 1; r <= repeats; r++)
        {
            rng.FillNormal(eps.Span);
            a.Forward(batch, eps);
            for (var i = 0; i < m; i++)
            {
                double x = a.LogLikelihoods[i];
                var delta = ((double)a.Bounds[i] - x) - negKl[i];
                // Welford's update for a mean pair and its co-moments.
                var dx = x - mean[2 * i];
                var dd = delta - mean[2 * i + 1];
                mean[2 * i] += dx / r;
                mean[2 * i + 1] += dd / r;
                co[3 * i] += dx * (x - mean[2 * i]);
                co[3 * i + 1] += dd * (delta - mean[2 * i + 1]);
                co[3 * i + 2] += dx * (delta - mean[2 * i + 1]);
            }
        }
        double Average(int k) => Enumerable.Range(0, m).Average(i => co[3 * i + k]) / (repeats - 1);
        return new BoundNoiseDecomposition(Average(0), Average(1), Average(2), repeats);
    }

    /// <summary>
    /// The least-squares slope of <c>log y</c> against <c>log x</c>: −1 when the variance falls as 1/L.
    /// Pairs with a non-positive or non-finite value are left out; NaN when fewer than two remain.
    /// </summary>
    public static double LogLogSlope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"{x.Count} x values but {y.Count} y values.", nameof(y));
        var points = Enumerable.Range(0, x.Count)
            .Where(i => x[i] > 0 && y[i] > 0 && double.IsFinite(x[i]) && double.IsFinite(y[i]))
            .Select(i => (X: Math.Log(x[i]), Y: Math.Log(y[i]))).ToArray();
        if (points.Length < 2) return double.NaN;
        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        var sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        return sxx == 0 ? double.NaN : points.Sum(p => (p.X - mx) * (p.Y - my)) / sxx;
    }

    /// <summary>The slope of <paramref name="metric"/> against L for one estimator's results (see <see cref="LogLogSlope"/>).</summary>
    public static double LogLogSlope(IEnumerable<EstimatorVarianceResult> results, Estimator estimator, Func<EstimatorVarianceResult, double> metric)
    {
        var rows = results.Where(r => r.Estimator == estimator).OrderBy(r => r.SamplesPerDatapoint).ToArray();
        return LogLogSlope(rows.Select(r => (double)r.SamplesPerDatapoint).ToArray(), rows.Select(metric).ToArray());
    }

    /// <summary>The result for one estimator and L (throws if it was not measured).</summary>
    public static EstimatorVarianceResult Find(this IEnumerable<EstimatorVarianceResult> results, Estimator estimator, int samplesPerDatapoint)
        => results.FirstOrDefault(r => r.Estimator == estimator && r.SamplesPerDatapoint == samplesPerDatapoint)
           ?? throw new KeyNotFoundException($"No result for estimator {estimator} with L = {samplesPerDatapoint}.");

    /// <summary>
    /// <paramref name="metric"/> of <paramref name="estimator"/> over that of <paramref name="reference"/>, both at
    /// <paramref name="samplesPerDatapoint"/> (notebook 02's "A / B" and "score / B" at L = 1).
    /// </summary>
    public static double Ratio(this IReadOnlyList<EstimatorVarianceResult> results, Estimator estimator,
        Estimator reference, Func<EstimatorVarianceResult, double> metric, int samplesPerDatapoint = 1)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var over = metric(results.Find(reference, samplesPerDatapoint));
        return metric(results.Find(estimator, samplesPerDatapoint)) / over;
    }

    /// <summary>
    /// The results of every estimator but <paramref name="estimator"/> (the bound's panels leave out the score
    /// function, whose bound is A's).
    /// </summary>
    public static EstimatorVarianceResult[] Without(this IEnumerable<EstimatorVarianceResult> results,
        Estimator estimator)
        => results.Where(r => r.Estimator != estimator).ToArray();

    /// <summary>A plain-text table of the results, one row per (L, estimator), aligned for a monospaced font.</summary>
    public static string FormatTable(IEnumerable<EstimatorVarianceResult> results)
    {
        var sb = new StringBuilder();
        sb.AppendLine("estimator    L   mean bound     Var[bound]   Var[∇ encoder]   Var[∇ decoder]");
        foreach (var r in results)
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{Name(r.Estimator),-9} {r.SamplesPerDatapoint,4} {r.BoundMean,12:F3} {r.BoundVariance,14:E3} {r.EncoderGradientVariance,16:E3} {r.DecoderGradientVariance,16:E3}"));
        return sb.ToString();
    }

    /// <summary>The results as a <see cref="Plotting.Table"/> (one row per (L, estimator)) for a notebook to display.</summary>
    public static Plotting.Table ToTable(IEnumerable<EstimatorVarianceResult> results, string? title = null)
    {
        var table = new Plotting.Table("estimator", "L", "mean bound", "Var[bound]", "Var[∇ encoder]", "Var[∇ decoder]")
            .WithFormats(null, "0", "F3", "E3", "E3", "E3");
        if (title is not null) table.Title = title;
        foreach (var r in results)
            table.AddRow(Name(r.Estimator), r.SamplesPerDatapoint, r.BoundMean, r.BoundVariance, r.EncoderGradientVariance, r.DecoderGradientVariance);
        return table;
    }

    /// <summary>A short display name: "A", "B", "score".</summary>
    public static string Name(Estimator estimator) => estimator == Estimator.ScoreFunction ? "score" : estimator.ToString();

    private static int Count(IEnumerable<Parameter> parameters) => parameters.Sum(p => p.Grad.Length);

    /// <summary>Welford's running mean and sum of squared deviations, per datapoint bound and per parameter, in double.</summary>
    private sealed class Accumulator(int batchSize, int encoderCount, int decoderCount)
    {
        private readonly double[] _boundMean = new double[batchSize], _boundM2 = new double[batchSize];
        private readonly double[] _encMean = new double[encoderCount], _encM2 = new double[encoderCount];
        private readonly double[] _decMean = new double[decoderCount], _decM2 = new double[decoderCount];
        private int _n;

        public void Reset()
        {
            foreach (var a in new[] { _boundMean, _boundM2, _encMean, _encM2, _decMean, _decM2 }) Array.Clear(a);
            _n = 0;
        }

        public void Add(ReadOnlySpan<float> bounds, Parameter[] encoder, Parameter[] decoder)
        {
            _n++;
            Update(bounds, 0, _boundMean, _boundM2);
            var at = 0;
            foreach (var p in encoder) at = Update(p.Grad.Data, at, _encMean, _encM2);
            at = 0;
            foreach (var p in decoder) at = Update(p.Grad.Data, at, _decMean, _decM2);
        }

        private int Update(ReadOnlySpan<float> values, int at, double[] mean, double[] m2)
        {
            var inv = 1.0 / _n;
            for (var i = 0; i < values.Length; i++)
            {
                var k = at + i;
                var d = values[i] - mean[k];
                mean[k] += d * inv;
                m2[k] += d * (values[i] - mean[k]);
            }
            return at + values.Length;
        }

        public EstimatorVarianceResult Result(Estimator estimator, int l)
        {
            var denominator = _n - 1.0;
            var m = _boundMean.Length;
            return new EstimatorVarianceResult(estimator, l, _n, _boundMean.Average(), _boundM2.Sum() / denominator / ((double)m * m),
                _encM2.Sum() / denominator / _encM2.Length, _decM2.Sum() / denominator / _decM2.Length);
        }
    }
}
