// Exercise 3.1 · the Bernoulli decoder's log-likelihood (Appendix C.1): Σ_i x_i log y_i + (1 − x_i) log(1 − y_i).
double BernoulliLogLikelihood(double[] x, double[] y)
{
    double sum = 0;
    for (var i = 0; i < x.Length; i++)
        sum += x[i] * Math.Log(y[i]) + (1 - x[i]) * Math.Log(1 - y[i]);
    return sum;
}
