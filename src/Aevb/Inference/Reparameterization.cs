using Aevb.Tensors;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Aevb.Inference;

/// <summary>
/// The reparameterisation of Section 2.4 shared by the bounds that sample <c>z</c> from a diagonal Gaussian
/// <c>q(z|x)</c>: <c>z = μ + σ ⊙ ε</c> with <c>σ = exp(½ log σ²)</c>, and the chain rule back through it.
/// Rows of the sample batch are datapoint-major: sample s of datapoint i is row <c>i·S + s</c>.
/// </summary>
internal static class Reparameterization
{
    /// <summary>Fills σ <c>[M, latent]</c> and z <c>[M·S, latent]</c> (reused buffers) from μ, log σ² and ε.</summary>
    public static (Tensor Sigma, Tensor Z) Sample(Tensor mu, Tensor logVar, Tensor eps, int samplesPerDatapoint,
        ref Tensor? sigmaBuffer, ref Tensor? zBuffer)
    {
        int m = mu.Rows, s = samplesPerDatapoint;
        var sigma = Tensor.Ensure(ref sigmaBuffer, m, mu.Cols);
        TensorPrimitives.Multiply(logVar.Data, 0.5f, sigma.Data);
        TensorPrimitives.Exp(sigma.Data, sigma.Data);
        var z = Tensor.Ensure(ref zBuffer, m * s, mu.Cols);
        for (var i = 0; i < m; i++)
            for (var t = 0; t < s; t++)
                TensorPrimitives.FusedMultiplyAdd(sigma.Row(i), eps.Row(i * s + t), mu.Row(i), z.Row(i * s + t));
        return (sigma, z);
    }

    /// <summary>
    /// Adds the gradient w.r.t. μ and log σ² of a loss whose gradient w.r.t. each sample is <paramref name="gradZ"/>:
    /// <c>∂z/∂μ = 1</c> and <c>∂z/∂log σ² = ½ σ ε</c>, summed over the samples of each datapoint.
    /// </summary>
    public static void Backward(Tensor gradZ, Tensor eps, Tensor sigma, int samplesPerDatapoint, Tensor gradMu,
        Tensor gradLogVar)
    {
        var s = samplesPerDatapoint;
        for (var i = 0; i < sigma.Rows; i++)
        {
            var sig = sigma.Row(i);
            var gm = gradMu.Row(i);
            var gv = gradLogVar.Row(i);
            for (var t = 0; t < s; t++)
            {
                var g = gradZ.Row(i * s + t);
                var e = eps.Row(i * s + t);
                for (var j = 0; j < sig.Length; j++)
                {
                    gm[j] += g[j];
                    gv[j] += g[j] * e[j] * 0.5f * sig[j];
                }
            }
        }
    }

    /// <summary><c>log p(z) − log q(z|x)</c> with <c>(z − μ)²/σ² = ε²</c>; the ½ log 2π terms cancel.</summary>
    public static float LogPriorOverPosterior(ReadOnlySpan<float> z, ReadOnlySpan<float> eps,
        ReadOnlySpan<float> logVar)
    {
        double sum = 0;
        for (var j = 0; j < z.Length; j++)
            sum += -(double)z[j] * z[j] + logVar[j] + (double)eps[j] * eps[j];
        return (float)(0.5 * sum);
    }

    /// <summary>x itself for S = 1, else each row repeated S times (a reused buffer): the data beside each sample.</summary>
    public static Tensor Repeat(Tensor x, int samplesPerDatapoint, ref Tensor? buffer)
    {
        var s = samplesPerDatapoint;
        if (s == 1) return x;
        var rep = Tensor.Ensure(ref buffer, x.Rows * s, x.Cols);
        for (var i = 0; i < x.Rows; i++)
            for (var t = 0; t < s; t++)
                x.Row(i).CopyTo(rep.Row(i * s + t));
        return rep;
    }
}
