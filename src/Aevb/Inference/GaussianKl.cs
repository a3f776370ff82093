using MathNet.Numerics.LinearAlgebra;

namespace Aevb.Inference;

/// <summary>
/// Closed-form KL divergences between multivariate Gaussians, in float64 with MathNet.Numerics.
/// The ELBO identity <c>log p(x) = KL(q(z|x) ‖ p(z|x)) + L</c> (the paper's eq. 1) can only be checked
/// where the posterior is known, as in <see cref="LinearGaussianModel"/>: there <c>p(z|x)</c> is a Gaussian
/// with a full covariance while the paper's <c>q</c> is diagonal, hence <see cref="DiagonalToFull"/>.
/// </summary>
public static class GaussianKl
{
    /// <summary>
    /// <c>KL(N(μ_q, Σ_q) ‖ N(μ_p, Σ_p)) = ½ [tr(Σ_p⁻¹ Σ_q) + (μ_p − μ_q)ᵀ Σ_p⁻¹ (μ_p − μ_q) − d + ln|Σ_p| − ln|Σ_q|]</c>.
    /// Both covariances must be symmetric positive definite.
    /// </summary>
    public static double Divergence(Vector<double> meanQ, Matrix<double> covQ, Vector<double> meanP, Matrix<double> covP)
    {
        var d = meanQ.Count;
        RequireShapes(d, meanP, covP);
        if (covQ.RowCount != d || covQ.ColumnCount != d)
            throw new ArgumentException($"Σ_q must be {d}x{d} to match μ_q, got {covQ.RowCount}x{covQ.ColumnCount}.", nameof(covQ));
        var cholQ = Factor(covQ, "Σ_q");
        var cholP = Factor(covP, "Σ_p");
        // Solves through the factor instead of forming Σ_p⁻¹: better conditioned, and the log-determinants come free.
        var diff = meanP - meanQ;
        var trace = cholP.Solve(covQ).Trace();
        var mahalanobis = diff.DotProduct(cholP.Solve(diff));
        return 0.5 * (trace + mahalanobis - d + cholP.DeterminantLn - cholQ.DeterminantLn);
    }

    /// <summary>
    /// <c>KL(q ‖ p)</c> for a diagonal <c>q = N(μ, diag exp(log σ²))</c>, the paper's encoder output, and a full
    /// Gaussian <c>p = N(μ_p, Σ_p)</c> such as an exact posterior.
    /// </summary>
    public static double DiagonalToFull(ReadOnlySpan<double> mu, ReadOnlySpan<double> logVar, Vector<double> meanP, Matrix<double> covP)
    {
        if (logVar.Length != mu.Length)
            throw new ArgumentException($"μ has {mu.Length} values but log σ² has {logVar.Length}.", nameof(logVar));
        var d = mu.Length;
        RequireShapes(d, meanP, covP);
        var cholP = Factor(covP, "Σ_p");
        var diff = Vector<double>.Build.Dense(d);
        var covQ = Matrix<double>.Build.Dense(d, d);
        double logDetQ = 0;
        for (var j = 0; j < d; j++)
        {
            diff[j] = meanP[j] - mu[j];
            covQ[j, j] = Math.Exp(logVar[j]);
            logDetQ += logVar[j];
        }
        var trace = cholP.Solve(covQ).Trace();
        var mahalanobis = diff.DotProduct(cholP.Solve(diff));
        return 0.5 * (trace + mahalanobis - d + cholP.DeterminantLn - logDetQ);
    }

    private static void RequireShapes(int d, Vector<double> meanP, Matrix<double> covP)
    {
        if (meanP.Count != d)
            throw new ArgumentException($"μ_p has {meanP.Count} values but q has dimension {d}.", nameof(meanP));
        if (covP.RowCount != d || covP.ColumnCount != d)
            throw new ArgumentException($"Σ_p must be {d}x{d}, got {covP.RowCount}x{covP.ColumnCount}.", nameof(covP));
    }

    private static MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double> Factor(Matrix<double> cov, string name)
    {
        try
        {
            return cov.Cholesky();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{name} is not symmetric positive definite: {e.Message}", e);
        }
    }
}
