// Exercise 1.1 · the Gaussian KL term (Appendix B): −KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σ_j (1 + log σ_j² − μ_j² − σ_j²).
double NegativeKl(double[] mu, double[] logVar)
{
    double sum = 0;
    for (var j = 0; j < mu.Length; j++)
        sum += 1 + logVar[j] - mu[j] * mu[j] - Math.Exp(logVar[j]);
    return 0.5 * sum;
}
