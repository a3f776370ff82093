using System.Globalization;
using Aevb.Nn;
using Aevb.Optim;
using MathNet.Numerics.LinearAlgebra;
using static Aevb.Exercises.Exercise;

namespace Aevb.Exercises;

/// <summary>
/// The notebooks' exercises, each checked against the library on fixed inputs: pass the function you wrote, get an
/// <see cref="ExerciseVerdict"/>. Worked solutions are in <c>notebooks/solutions/</c>.
/// </summary>
public static class Exercises
{
    private static IEnumerable<(double[] Mu, double[] LogVar)> GaussianInputs(int seed)
    {
        yield return ([0.0], [0.0]);                    // q = the prior: the KL term is 0
        yield return ([1.5, -0.5], [0.0, 0.0]);
        yield return ([0.0, 0.0, 0.0], [-1.0, 0.5, 2.0]);
        var rnd = new Random(seed);
        for (int k = 0; k < 12; k++)
        {
            int d = 1 + rnd.Next(6);
            yield return (Enumerable.Range(0, d).Select(_ => 3 * (rnd.NextDouble() - 0.5)).ToArray(),
                          Enumerable.Range(0, d).Select(_ => 4 * (rnd.NextDouble() - 0.6)).ToArray());
        }
    }

    private static double[] Draws(Random rnd, int n, double scale, double shift) =>
        Enumerable.Range(0, n).Select(_ => shift + scale * (rnd.NextDouble() - 0.5)).ToArray();

    /// <summary>
    /// Exercise 1.1: <c>−D_KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σ_j (1 + log σ_j² − μ_j² − σ_j²)</c> (Appendix B), given μ and
    /// log σ². Reference: <see cref="Inference.GaussianKl.DiagonalToFull"/> against N(0, I).
    /// </summary>
    public static ExerciseVerdict GaussianKl(Func<double[], double[], double> negativeKl) =>
        Check("Exercise 1.1 · the Gaussian KL term", GaussianInputs(11),
            t => [negativeKl(t.Mu, t.LogVar)],
            t => [-Inference.GaussianKl.DiagonalToFull(t.Mu, t.LogVar, Vector<double>.Build.Dense(t.Mu.Length), Matrix<double>.Build.DenseIdentity(t.Mu.Length))],
            t => $"μ = {Vec(t.Mu)}, log σ² = {Vec(t.LogVar)}");

    /// <summary>Exercise 1.2: the reparameterized sample <c>z = μ + σ ⊙ ε</c> with <c>σ = exp(½ log σ²)</c> (§2.4).</summary>
    public static ExerciseVerdict Reparameterize(Func<double[], double[], double[], double[]> reparameterize)
    {
        var rnd = new Random(12);
        var inputs = GaussianInputs(12).Select(t => (t.Mu, t.LogVar, Eps: Draws(rnd, t.Mu.Length, 4, 0))).ToList();
        return Check("Exercise 1.2 · the reparameterized sample", inputs,
            t => reparameterize(t.Mu, t.LogVar, t.Eps),
            t => t.Mu.Select((m, j) => m + Math.Exp(0.5 * t.LogVar[j]) * t.Eps[j]).ToArray(),
            t => $"μ = {Vec(t.Mu)}, log σ² = {Vec(t.LogVar)}, ε = {Vec(t.Eps)}");
    }

    /// <summary>
    /// Exercise 2.1: estimator A (eq. 6) of one datapoint's bound from its L samples:
    /// <c>(1/L) Σ_l [log p(x|z_l) + log p(z_l) − log q(z_l|x)]</c>, given the three arrays of per-sample terms.
    /// </summary>
    public static ExerciseVerdict EstimatorA(Func<double[], double[], double[], double> estimatorA)
    {
        var rnd = new Random(21);
        var inputs = Enumerable.Range(0, 12).Select(k =>
        {
            int l = k < 2 ? 1 : 1 + rnd.Next(8);
            return (LogPxGivenZ: Draws(rnd, l, 40, -100), LogPz: Draws(rnd, l, 4, -3), LogQz: Draws(rnd, l, 4, -1));
        }).ToList();
        return Check("Exercise 2.1 · estimator A", inputs,
            t => [estimatorA(t.LogPxGivenZ, t.LogPz, t.LogQz)],
            t => [Enumerable.Range(0, t.LogPz.Length).Average(l => t.LogPxGivenZ[l] + t.LogPz[l] - t.LogQz[l])],
            t => $"L = {t.LogPz.Length}, log p(x|z) = {Vec(t.LogPxGivenZ)}, log p(z) = {Vec(t.LogPz)}, log q(z|x) = {Vec(t.LogQz)}");
    }

    /// <summary>
    /// Exercise 2.2: estimator B (eq. 7/10): <c>−D_KL(q(z|x) ‖ N(0, I)) + (1/L) Σ_l log p(x|z_l)</c>, given μ, log σ² and the
    /// L values of log p(x|z_l). The KL term is exact, only the reconstruction term is sampled.
    /// </summary>
    public static ExerciseVerdict EstimatorB(Func<double[], double[], double[], double> estimatorB)
    {
        var rnd = new Random(22);
        var inputs = GaussianInputs(22).Select(t => (t.Mu, t.LogVar, LogPxGivenZ: Draws(rnd, 1 + rnd.Next(6), 40, -100))).ToList();
        return Check("Exercise 2.2 · estimator B", inputs,
            t => [estimatorB(t.Mu, t.LogVar, t.LogPxGivenZ)],
            t => [-Inference.GaussianKl.DiagonalToFull(t.Mu, t.LogVar, Vector<double>.Build.Dense(t.Mu.Length), Matrix<double>.Build.DenseIdentity(t.Mu.Length))
                  + t.LogPxGivenZ.Average()],
            t => $"μ = {Vec(t.Mu)}, log σ² = {Vec(t.LogVar)}, log p(x|z) = {Vec(t.LogPxGivenZ)}");
    }

    /// <summary>
    /// Exercise 3.1: the Bernoulli decoder's log-likelihood <c>log p(x|z) = Σ_i x_i log y_i + (1 − x_i) log(1 − y_i)</c>
    /// (Appendix C.1) for grey levels x in [0, 1] and pixel probabilities y in (0, 1).
    /// </summary>
    public static ExerciseVerdict BernoulliLogLikelihood(Func<double[], double[], double> logLikelihood)
    {
        var rnd = new Random(31);
        var inputs = Enumerable.Range(0, 12).Select(k =>
        {
            int d = 1 + rnd.Next(10);
            var x = Enumerable.Range(0, d).Select(_ => k % 2 == 0 ? Math.Round(rnd.NextDouble()) : rnd.NextDouble()).ToArray();
            var y = Enumerable.Range(0, d).Select(_ => 0.01 + 0.98 * rnd.NextDouble()).ToArray();
            return (X: x, Y: y);
        }).ToList();
        return Check("Exercise 3.1 · the Bernoulli log-likelihood", inputs,
            t => [logLikelihood(t.X, t.Y)],
            t => [t.X.Select((x, i) => x * Math.Log(t.Y[i]) + (1 - x) * Math.Log(1 - t.Y[i])).Sum()],
            t => $"x = {Vec(t.X)}, y = {Vec(t.Y)}");
    }

    /// <summary>
    /// Exercise 3.2: one Adagrad update (the paper's optimiser, §5), per coordinate: <c>G ← G + g²</c>, then
    /// <c>θ ← θ − η g / √G</c>, where g is the gradient of the loss (the negative bound) and G the sum of the squared
    /// gradients of all earlier steps. Return the new θ. Reference: the library's <see cref="Adagrad"/> (float32, so the
    /// tolerance is 1e-5).
    /// </summary>
    public static ExerciseVerdict AdagradStep(Func<double[], double[], double[], double, double[]> adagradStep)
    {
        var rnd = new Random(32);
        var inputs = Enumerable.Range(0, 10).Select(k =>
        {
            int n = 1 + rnd.Next(6);
            var theta = Draws(rnd, n, 2, 0);
            var grad = Draws(rnd, n, 6, 0);
            var sum = k == 0 ? new double[n] : Enumerable.Range(0, n).Select(_ => 10 * rnd.NextDouble()).ToArray();
            return (Theta: theta, Grad: grad, SumSquares: sum, Lr: k % 3 == 0 ? 0.02 : 0.1);
        }).ToList();
        return Check("Exercise 3.2 · one Adagrad update", inputs,
            t => adagradStep((double[])t.Theta.Clone(), (double[])t.Grad.Clone(), (double[])t.SumSquares.Clone(), t.Lr),
            t => LibraryAdagrad(t.Theta, t.Grad, t.SumSquares, t.Lr),
            t => string.Create(CultureInfo.InvariantCulture, $"θ = {Vec(t.Theta)}, g = {Vec(t.Grad)}, G before = {Vec(t.SumSquares)}, η = {t.Lr}"),
            tolerance: 1e-5);
    }

    // The library's Adagrad, with its running sum preloaded by a first step whose gradient is √G (then θ is put back).
    private static double[] LibraryAdagrad(double[] theta, double[] grad, double[] sumSquares, double lr)
    {
        int n = theta.Length;
        var p = new Parameter(1, n);
        var adagrad = new Adagrad([p], (float)lr, epsilon: 0f);
        for (int i = 0; i < n; i++) { p.Value.Data[i] = (float)theta[i]; p.Grad.Data[i] = (float)Math.Sqrt(sumSquares[i]); }
        if (sumSquares.Any(s => s > 0)) adagrad.Step();
        for (int i = 0; i < n; i++) { p.Value.Data[i] = (float)theta[i]; p.Grad.Data[i] = (float)grad[i]; }
        adagrad.Step();
        return p.Value.Data.Select(v => (double)v).ToArray();
    }
}
