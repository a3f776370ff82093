// Exercise 1.2 · the reparameterized sample (§2.4): z = μ + σ ⊙ ε with σ = exp(½ log σ²).
double[] Reparameterize(double[] mu, double[] logVar, double[] eps)
{
    var z = new double[mu.Length];
    for (var j = 0; j < mu.Length; j++)
        z[j] = mu[j] + Math.Exp(0.5 * logVar[j]) * eps[j];
    return z;
}
