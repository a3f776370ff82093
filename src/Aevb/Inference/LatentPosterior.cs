using Aevb.Tensors;

namespace Aevb.Inference;

/// <summary>
/// The posterior <c>p(z | x_i) ∝ p(z) p(x_i | z)</c> of a batch of datapoints as an HMC target:
/// row <c>i</c> of <c>z</c> is scored against row <c>i</c> of <see cref="X"/>, and the log-density is the
/// full <c>log p(x_i, z)</c> (so it doubles as the estimators' joint), with gradient
/// <c>∇z log p(z) + ∇z log p(x_i | z)</c> as in the paper's Appendix D.
/// </summary>
public sealed class LatentPosterior : ILogDensity
{
    private Tensor _x;

    public LatentPosterior(ILatentVariableModel model, Tensor x)
    {
        Model = model;
        _x = Check(model, x);
    }

    public ILatentVariableModel Model { get; }

    public int Dim => Model.LatentDim;

    /// <summary>The datapoints, one per chain. Replace it to point the same sampler at another batch.</summary>
    public Tensor X
    {
        get => _x;
        set => _x = Check(Model, value);
    }

    public void LogProbAndGrad(Tensor z, Span<float> logProb, Tensor grad)
    {
        if (z.Rows != _x.Rows)
            throw new ArgumentException($"LatentPosterior has {_x.Rows} datapoints but z has {z.Rows} rows.", nameof(z));
        Model.LogJoint(_x, z, logProb, grad);
    }

    public void Gradient(Tensor z, Span<float> scratch, Tensor grad)
    {
        if (z.Rows != _x.Rows)
            throw new ArgumentException($"LatentPosterior has {_x.Rows} datapoints but z has {z.Rows} rows.", nameof(z));
        Model.LogJointGradient(_x, z, scratch, grad);
    }

    private static Tensor Check(ILatentVariableModel model, Tensor x)
    {
        if (x.Cols != model.InputDim)
            throw new ArgumentException($"Datapoints have {x.Cols} features; the model expects {model.InputDim}.", nameof(x));
        return x;
    }
}
