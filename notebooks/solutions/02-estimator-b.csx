// Exercise 2.2 · estimator B (eq. 7, with the KL term of eq. 10): −KL(q(z|x) ‖ N(0, I)) + (1/L) Σ_l log p(x|z_l).
double EstimatorB(double[] mu, double[] logVar, double[] logPxGivenZ)
{
    double negativeKl = 0;
    for (var j = 0; j < mu.Length; j++)
        negativeKl += 0.5 * (1 + logVar[j] - mu[j] * mu[j] - Math.Exp(logVar[j]));
    return negativeKl + logPxGivenZ.Average();
}
