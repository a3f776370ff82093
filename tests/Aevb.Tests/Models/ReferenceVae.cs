using Aevb.Inference;
using Aevb.Models;
using Aevb.Tensors;

namespace Aevb.Tests.Models;

/// <summary>
/// An independent float64 implementation of the paper's model and bound, written plainly (loops, no
/// engine code), used as the ground truth for the engine's float32 forward and backward passes.
/// Parameters are copied out of a <see cref="Vae"/> by name and may be perturbed for finite differences.
/// </summary>
internal sealed class ReferenceVae
{
    public ReferenceVae(Vae model)
    {
        Config = model.Config;
        foreach (var (name, p) in model.NamedParameters)
            P[name] = p.Value.Data.Select(v => (double)v).ToArray();
        if (model.Decoder is GaussianMlpDecoder gaussian)
            (Mean, Variance) = (gaussian.MeanOutput, gaussian.VarianceOutput);
    }

    public VaeConfig Config { get; }

    /// <summary>The Gaussian decoder's links, as the model's decoder has them.</summary>
    public GaussianMean Mean { get; }

    public GaussianVariance Variance { get; }
    public Dictionary<string, double[]> P { get; } = [];

    private double[] Linear(string prefix, double[] input, int outF)
    {
        var w = P[prefix + ".weight"];
        var b = P[prefix + ".bias"];
        var inF = input.Length;
        var y = new double[outF];
        for (var o = 0; o < outF; o++)
        {
            var s = b[o];
            for (var i = 0; i < inF; i++) s += w[o * inF + i] * input[i];
            y[o] = s;
        }
        return y;
    }

    public (double[] Mu, double[] LogVar) Encode(double[] x)
    {
        var h = Linear("encoder.hidden", x, Config.HiddenSize).Select(Math.Tanh).ToArray();
        return (Linear("encoder.mu", h, Config.LatentSize), Linear("encoder.logvar", h, Config.LatentSize));
    }

    public double LogLikelihood(double[] x, double[] z)
    {
        var h = Linear("decoder.hidden", z, Config.HiddenSize).Select(Math.Tanh).ToArray();
        double sum = 0;
        if (Config.Decoder == DecoderKind.Bernoulli)
        {
            var l = Linear("decoder.out", h, Config.InputSize);
            for (var d = 0; d < x.Length; d++)
            {
                var y = 1 / (1 + Math.Exp(-l[d]));
                sum += x[d] * Math.Log(y) + (1 - x[d]) * Math.Log(1 - y);
            }
        }
        else
        {
            var m = Linear("decoder.mu", h, Config.InputSize)
                .Select(a => Mean == GaussianMean.Linear ? a : 1 / (1 + Math.Exp(-a))).ToArray();
            var lv = Linear("decoder.logvar", h, Config.InputSize)
                .Select(a => Variance == GaussianVariance.Softplus ? Math.Log(Math.Log(1 + Math.Exp(a))) : a).ToArray();
            for (var d = 0; d < x.Length; d++)
                sum += -0.5 * (Math.Log(2 * Math.PI) + lv[d] + (x[d] - m[d]) * (x[d] - m[d]) / Math.Exp(lv[d]));
        }
        return sum;
    }

    public static double LogNormal(double[] z, double[] mu, double[] logVar)
    {
        double s = 0;
        for (var j = 0; j < z.Length; j++)
            s += -0.5 * (Math.Log(2 * Math.PI) + logVar[j] + (z[j] - mu[j]) * (z[j] - mu[j]) / Math.Exp(logVar[j]));
        return s;
    }

    /// <summary>Estimator A or B for one datapoint with the given noise rows (one per sample).</summary>
    public double Bound(double[] x, double[][] eps, Estimator kind)
    {
        var (mu, lv) = Encode(x);
        double sum = 0;
        foreach (var e in eps)
        {
            var z = new double[mu.Length];
            for (var j = 0; j < z.Length; j++) z[j] = mu[j] + Math.Exp(0.5 * lv[j]) * e[j];
            sum += LogLikelihood(x, z);
            if (kind != Estimator.B)
                sum += LogNormal(z, new double[z.Length], new double[z.Length]) - LogNormal(z, mu, lv);
        }
        var bound = sum / eps.Length;
        if (kind == Estimator.B)
            for (var j = 0; j < mu.Length; j++) bound += 0.5 * (1 + lv[j] - mu[j] * mu[j] - Math.Exp(lv[j]));
        return bound;
    }

    /// <summary>
    /// The importance-weighted bound (Burda et al. 2016) for one datapoint with one noise row per sample:
    /// <c>log (1/k) Σ_s exp[log p(x|z_s) + log p(z_s) − log q(z_s|x)]</c>, <c>z_s = μ + σ ε_s</c>.
    /// </summary>
    public double ImportanceWeightedBound(double[] x, double[][] eps)
    {
        var (mu, lv) = Encode(x);
        var logW = eps.Select(e =>
        {
            var z = mu.Select((m, j) => m + Math.Exp(0.5 * lv[j]) * e[j]).ToArray();
            var zero = new double[z.Length];
            return LogLikelihood(x, z) + LogNormal(z, zero, zero) - LogNormal(z, mu, lv);
        }).ToArray();
        var max = logW.Max();
        return max + Math.Log(logW.Sum(v => Math.Exp(v - max)) / logW.Length);
    }

    /// <summary>Σ_i bound(x_i) over a batch whose noise rows are datapoint-major (row i·L + l).</summary>
    public double SumBound(Tensor x, Tensor eps, int samplesPerDatapoint, Estimator kind)
        => Sum(x, eps, samplesPerDatapoint, (xi, e) => Bound(xi, e, kind));

    /// <summary>Σ_i of the importance-weighted bound with k samples per datapoint (noise row i·k + s).</summary>
    public double SumImportanceWeightedBound(Tensor x, Tensor eps, int k) => Sum(x, eps, k, ImportanceWeightedBound);

    private static double Sum(Tensor x, Tensor eps, int samples, Func<double[], double[][], double> bound)
    {
        double total = 0;
        for (var i = 0; i < x.Rows; i++)
            total += bound(Row(x, i), Enumerable.Range(0, samples).Select(l => Row(eps, i * samples + l)).ToArray());
        return total;
    }

    public static double[] Row(Tensor t, int r) => t.Row(r).ToArray().Select(v => (double)v).ToArray();
}
