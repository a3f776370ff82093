// Exercise 2.1 · estimator A (eq. 6): the average over the L samples of log p(x|z_l) + log p(z_l) − log q(z_l|x).
double EstimatorA(double[] logPxGivenZ, double[] logPz, double[] logQz)
{
    double sum = 0;
    for (var l = 0; l < logPz.Length; l++)
        sum += logPxGivenZ[l] + logPz[l] - logQz[l];
    return sum / logPz.Length;
}
