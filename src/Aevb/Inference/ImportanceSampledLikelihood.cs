using Aevb.Tensors;

namespace Aevb.Inference;

/// <summary>
/// Importance-sampled marginal likelihood with the recognition model as proposal (the modern cross-check of
/// the paper's Figure 3; Rezende et al. 2014, Burda et al. 2016):
/// <c>log p(x) ≈ log (1/K) Σ_k p(x, z_k) / q(z_k|x)</c>, <c>z_k ~ q(z|x)</c>. Unbiased for <c>p(x)</c>, so its
/// log is a stochastic lower bound that tightens with K (at K = 1 it is the ELBO estimator A).
/// <para>
/// Batched over (datapoint, sample) pairs: the K·n pairs are cut into chunks of <see cref="BatchRows"/> rows
/// and each chunk is one call of the decoder; weights are combined in float64 log space.
/// </para>
/// </summary>
public sealed class ImportanceSampledLikelihood
{
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    public ImportanceSampledLikelihood(ILatentVariableModel model, IGaussianEncoder encoder)
    {
        if (model.LatentDim != encoder.LatentDim || model.InputDim != encoder.InputDim)
            throw new ArgumentException($"Encoder ({encoder.InputDim} → {encoder.LatentDim}) does not match the model ({model.InputDim} → {model.LatentDim}).");
        Model = model;
        Encoder = encoder;
    }

    public ILatentVariableModel Model { get; }

    public IGaussianEncoder Encoder { get; }

    /// <summary>K, the importance samples per datapoint (default 5000).</summary>
    public int Samples
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 5000;

    /// <summary>Rows per decoder call (memory: BatchRows × InputDim floats for the repeated datapoints).</summary>
    public int BatchRows
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 1000;

    /// <summary>Estimates <c>log p(x_i)</c> for every row of <paramref name="x"/>.</summary>
    public MarginalLikelihoodEstimate Estimate(Tensor x, Rng rng)
    {
        if (x.Cols != Model.InputDim)
            throw new ArgumentException($"Datapoints have {x.Cols} features; the model expects {Model.InputDim}.", nameof(x));
        int n = x.Rows, d = Model.LatentDim, k = Samples;
        var (mu, logVar) = EncodeAll(x);

        var rows = (int)Math.Min(BatchRows, (long)n * k);
        var xRep = new Tensor(rows, x.Cols);
        var z = new Tensor(rows, d);
        var logQ = new double[rows];
        var logJoint = new float[rows];
        var owner = new int[rows];
        owner.AsSpan().Fill(-1);
        var acc = new LogMeanExp[n];
        for (var i = 0; i < n; i++) acc[i] = new LogMeanExp();

        var total = (long)n * k;
        for (long start = 0; start < total; start += rows)
        {
            var count = (int)Math.Min(rows, total - start);
            var xChunk = count == rows ? xRep : new Tensor(count, x.Cols);
            var zChunk = count == rows ? z : new Tensor(count, d);
            for (var r = 0; r < count; r++)
            {
                var i = (int)((start + r) / k);
                // Consecutive chunks of the same datapoint already hold its row: copy only on change.
                if (owner[r] != i || !ReferenceEquals(xChunk, xRep))
                {
                    x.Row(i).CopyTo(xChunk.Row(r));
                    if (ReferenceEquals(xChunk, xRep)) owner[r] = i;
                }
                var zr = zChunk.Row(r);
                var mr = mu.Row(i);
                var lr = logVar.Row(i);
                double lq = -0.5 * d * Log2Pi;
                for (var j = 0; j < d; j++)
                {
                    var eps = rng.NextGaussian();
                    zr[j] = mr[j] + MathF.Exp(0.5f * lr[j]) * eps;
                    lq -= 0.5 * (lr[j] + (double)eps * eps);
                }
                logQ[r] = lq;
            }
            Model.LogJoint(xChunk, zChunk, logJoint.AsSpan(0, count), null);
            for (var r = 0; r < count; r++)
                acc[(int)((start + r) / k)].Add(logJoint[r] - logQ[r]);
        }

        var estimate = new double[n];
        var error = new double[n];
        for (var i = 0; i < n; i++)
        {
            estimate[i] = acc[i].Value;
            error[i] = acc[i].StandardError;
        }
        return new MarginalLikelihoodEstimate(estimate, error, "importance", k);
    }

    private (Tensor Mu, Tensor LogVar) EncodeAll(Tensor x)
    {
        int n = x.Rows, d = Model.LatentDim;
        var mu = new Tensor(n, d);
        var logVar = new Tensor(n, d);
        for (var start = 0; start < n; start += BatchRows)
        {
            var count = Math.Min(BatchRows, n - start);
            var xs = new Tensor(count, x.Cols);
            x.Data.AsSpan(start * x.Cols, count * x.Cols).CopyTo(xs.Span);
            var m = new Tensor(count, d);
            var lv = new Tensor(count, d);
            Encoder.Encode(xs, m, lv);
            m.Span.CopyTo(mu.Data.AsSpan(start * d));
            lv.Span.CopyTo(logVar.Data.AsSpan(start * d));
        }
        return (mu, logVar);
    }
}
