// Exercise 3.2 · one Adagrad update (§5): G ← G + g², then θ ← θ − η g / √G, per coordinate.
double[] AdagradStep(double[] theta, double[] grad, double[] sumSquares, double learningRate)
{
    var next = new double[theta.Length];
    for (var i = 0; i < theta.Length; i++)
    {
        var g2 = sumSquares[i] + grad[i] * grad[i];
        next[i] = theta[i] - learningRate * grad[i] / Math.Sqrt(g2);
    }
    return next;
}
