using Aevb.Tensors;

namespace Aevb.Models;

/// <summary>How the Gaussian decoder turns its mean layer's output into the mean.</summary>
public enum GaussianMean
{
    /// <summary><c>m = σ(W h + b)</c>, kept in (0, 1) like the pixels (Section 5: "the means were constrained to
    /// the interval (0, 1) using a sigmoidal activation function at the decoder output").</summary>
    Sigmoid,

    /// <summary><c>m = W h + b</c>, unconstrained, as Appendix C.2's formula writes it (an ablation).</summary>
    Linear,
}

/// <summary>How the Gaussian decoder turns its variance layer's output <c>a = W h + b</c> into σ².</summary>
public enum GaussianVariance
{
    /// <summary><c>log σ² = a</c> (Appendix C.2).</summary>
    Logvar,

    /// <summary><c>σ² = softplus(a) = log(1 + eᵃ)</c> (an ablation: the same as log σ² for small σ², slower to
    /// move near σ² = 1, where the decoder starts).</summary>
    Softplus,
}

/// <summary>
/// The link of the <see cref="GaussianVariance.Softplus"/> variance: <c>a → log σ² = log softplus(a)</c> and its
/// derivative, so the decoder keeps working in log σ² whatever the link.
/// </summary>
internal static class SoftplusVariance
{
    /// <summary>Below this, <c>softplus(a) = eᵃ</c> to float precision, so <c>log σ² = a</c> (and no
    /// underflow).</summary>
    private const double ExpRegion = -15;

    /// <summary>Writes <c>log softplus(a)</c> into <paramref name="logVar"/> (same shape).</summary>
    public static void Forward(Tensor a, Tensor logVar)
    {
        // In double: log(1 + eᵃ) in float loses a small eᵃ near the exp region (an ablation's path; no SIMD needed).
        for (var i = 0; i < a.Length; i++)
        {
            double v = a.Data[i];
            logVar.Data[i] = v < ExpRegion ? (float)v : (float)Math.Log(Softplus(v));
        }
    }

    /// <summary>
    /// Turns <paramref name="grad"/>, a gradient with respect to log σ², into one with respect to <c>a</c>:
    /// <c>d log softplus(a) / da = sigmoid(a) / softplus(a)</c>.
    /// </summary>
    public static void Backward(Tensor a, Tensor grad)
    {
        for (var i = 0; i < a.Length; i++)
        {
            double v = a.Data[i];
            if (v < ExpRegion) continue; // log σ² = a there: the factor is 1
            grad.Data[i] = (float)(grad.Data[i] / (1 + Math.Exp(-v)) / Softplus(v));
        }
    }

    private static double Softplus(double v) => v > 0 ? v + Math.Log(1 + Math.Exp(-v)) : Math.Log(1 + Math.Exp(v));
}
