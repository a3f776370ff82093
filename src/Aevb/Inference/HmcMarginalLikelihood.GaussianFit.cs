using Aevb.Tensors;

namespace Aevb.Inference;

public sealed partial class HmcMarginalLikelihood
{
    /// <summary>
    /// The fitted density q: an equal-weight mixture with one component per fit chain, at that chain's sample mean,
    /// all with the pooled within-chain covariance (with one chain, the plain moment-matched Gaussian). Mean and
    /// covariance in float64, the covariance kept as its Cholesky factor.
    /// </summary>
    private sealed class GaussianFit
    {
        private readonly double[][] _means;
        private readonly double[,] _chol;
        private readonly double _logNorm;

        private GaussianFit(double[][] means, double[,] chol, double logDet)
        {
            _means = means;
            _chol = chol;
            _logNorm = -0.5 * (means[0].Length * Log2Pi + logDet) - Math.Log(means.Length);
        }

        /// <summary>
        /// Fits to samples <c>[p, s, :]</c>, s &lt; l, where sample s came from chain <c>s % chains</c>.
        /// </summary>
        public static GaussianFit From(double[,,] samples, int p, int l, int d, int chains)
        {
            var means = new double[chains][];
            var counts = new int[chains];
            for (var k = 0; k < chains; k++) means[k] = new double[d];
            for (var s = 0; s < l; s++)
            {
                counts[s % chains]++;
                for (var j = 0; j < d; j++) means[s % chains][j] += samples[p, s, j];
            }
            for (var k = 0; k < chains; k++)
                for (var j = 0; j < d; j++) means[k][j] /= counts[k];
            var cov = new double[d, d];
            for (var s = 0; s < l; s++)
            {
                var m = means[s % chains];
                for (var a = 0; a < d; a++)
                    for (var b = 0; b <= a; b++)
                        cov[a, b] += (samples[p, s, a] - m[a]) * (samples[p, s, b] - m[b]);
            }
            for (var a = 0; a < d; a++)
                for (var b = 0; b <= a; b++)
                    cov[b, a] = cov[a, b] /= l - chains;
            // A stuck chain gives a singular covariance; add the smallest jitter that makes it factorise.
            var trace = 0.0;
            for (var a = 0; a < d; a++) trace += cov[a, a];
            var jitter = 0.0;
            for (var attempt = 0; attempt < 12; attempt++)
            {
                if (TryCholesky(cov, jitter, out var chol, out var logDet)) return new GaussianFit(means, chol, logDet);
                jitter = jitter == 0 ? Math.Max(1e-10, 1e-8 * trace / d) : jitter * 10;
            }
            throw new InvalidOperationException(
                "The HMC samples' covariance is not positive definite even with jitter; the chains did not move "
                + "(check the model for NaN).");
        }

        /// <summary>
        /// Draws z from q (a uniformly chosen component, then <c>μ_k + L ε</c>) and returns <c>log q(z)</c>.
        /// </summary>
        public double Sample(Span<float> z, Rng rng, double[] work)
        {
            var d = _chol.GetLength(0);
            var mean = _means[rng.NextInt(_means.Length)];
            Span<double> eps = stackalloc double[d];
            for (var a = 0; a < d; a++) eps[a] = rng.NextGaussian();
            for (var a = 0; a < d; a++)
            {
                var v = mean[a];
                for (var b = 0; b <= a; b++) v += _chol[a, b] * eps[b];
                z[a] = (float)v;
            }
            return LogDensity(z, work);
        }

        /// <summary><c>log q(z) = log (1/K) Σ_k N(z; μ_k, Σ)</c>, by forward substitution and log-sum-exp.</summary>
        public double LogDensity(ReadOnlySpan<float> z, double[] work)
        {
            var d = _chol.GetLength(0);
            double max = double.NegativeInfinity, sum = 0;
            foreach (var mean in _means)
            {
                // Solve L y = z − μ_k; the component's log density is logNorm − ½|y|².
                double quad = 0;
                for (var a = 0; a < d; a++)
                {
                    var v = z[a] - mean[a];
                    for (var b = 0; b < a; b++) v -= _chol[a, b] * work[b];
                    work[a] = v / _chol[a, a];
                    quad += work[a] * work[a];
                }
                var term = -0.5 * quad;
                if (term > max)
                {
                    sum = sum * Math.Exp(max - term) + 1;
                    max = term;
                }
                else
                {
                    sum += Math.Exp(term - max);
                }
            }
            return _logNorm + max + Math.Log(sum);
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
