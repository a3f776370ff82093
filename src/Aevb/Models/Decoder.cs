using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Aevb.Nn;
using Aevb.Tensors;

namespace Aevb.Models;

/// <summary>
/// The generative model p(x|z) as an MLP: <see cref="Forward"/> maps a batch of latent codes to the
/// distribution's parameters, <see cref="LogLikelihood"/> scores data under them row by row, and
/// <see cref="Backward"/> gives the gradient of <c>scale · Σ_rows log p(x|z)</c> w.r.t. the parameters
/// (accumulated into <see cref="Parameter.Grad"/>) and w.r.t. <c>z</c> (returned; HMC needs it).
/// </summary>
public abstract class Decoder
{
    protected const float HalfLog2Pi = 0.9189385332046727f;

    private Tensor? _repeated; // one datapoint copied into every row, for decoders that cannot read it in place

    public abstract DecoderKind Kind { get; }
    public abstract int LatentSize { get; }
    public abstract int OutputSize { get; }

    /// <summary>
    /// Runs the MLP on <c>z</c> <c>[rows, latent]</c> and returns the mean of p(x|z) <c>[rows, output]</c>
    /// (pixel probabilities for Bernoulli, the sigmoid mean for Gaussian). The buffer is reused next call.
    /// </summary>
    public abstract Tensor Forward(Tensor z);

    /// <summary>
    /// <see cref="Forward"/> for callers that need only <see cref="LogLikelihood"/> and possibly <see cref="Backward"/>,
    /// not the mean: a decoder may skip computing the mean (the Bernoulli decoder computes its logits only, and the
    /// sigmoid inside <see cref="Backward"/>'s gradient pass if it runs). Same results as <see cref="Forward"/>, bit for bit.
    /// </summary>
    public virtual void ForwardForLikelihood(Tensor z) => Forward(z);

    /// <summary>
    /// Keeps a copy of the last forward pass (its z and what <see cref="LogLikelihood"/> and <see cref="Backward"/>
    /// read) for one later <see cref="TryReuseForward"/>. A decoder without that support keeps nothing.
    /// </summary>
    public virtual void KeepForward() { }

    /// <summary>
    /// Puts the decoder in the state <see cref="ForwardForLikelihood"/> on <paramref name="z"/> would leave, without
    /// computing it, where every row of z equals, bit for bit, the same row of the last forward pass or of the one
    /// kept by <see cref="KeepForward"/>, and the weights have not changed since either (the caller vouches for that).
    /// Rows are computed independently of each other, so the state is bitwise the one the forward pass would give.
    /// Returns false, changing nothing, where a row matches neither or nothing was kept; the kept copy is used up.
    /// </summary>
    public virtual bool TryReuseForward(Tensor z) => false;

    /// <summary>Writes <c>log p(x_r | z_r)</c> for every row r of the last <see cref="Forward"/> into <paramref name="result"/>.</summary>
    public abstract void LogLikelihood(Tensor x, Span<float> result);

    /// <summary>
    /// <c>log p(x | z_r)</c> of one datapoint <paramref name="x"/> (<c>OutputSize</c> floats) for every row r of the
    /// last <see cref="Forward"/>: the bits of <see cref="LogLikelihood(Tensor, Span{float})"/> with x in every row
    /// (the Appendix D estimator scores thousands of latent draws against one datapoint). This default builds that
    /// copy; a decoder may read x in place instead.
    /// </summary>
    public virtual void LogLikelihood(ReadOnlySpan<float> x, int rows, Span<float> result)
    {
        var repeated = Tensor.Ensure(ref _repeated, rows, OutputSize);
        for (var r = 0; r < rows; r++) x.CopyTo(repeated.Row(r));
        LogLikelihood(repeated, result);
    }

    /// <summary>
    /// Gradient of <c>scale · Σ_r log p(x_r | z_r)</c> at the last <see cref="Forward"/>: added into the
    /// parameters' <c>Grad</c> when <paramref name="parameterGrads"/> is true, and returned w.r.t. <c>z</c>
    /// (<c>[rows, latent]</c>, a reused buffer). Rows are independent, so row r of the result is
    /// <c>scale · ∇z log p(x_r | z_r)</c>. With <paramref name="parameterGrads"/> false no <c>Grad</c> is touched.
    /// </summary>
    public abstract Tensor Backward(Tensor x, float scale, bool parameterGrads = true);

    /// <summary>
    /// Gradient of <c>Σ_r rowScales[r] · log p(x_r | z_r)</c> at the last <see cref="Forward"/>: as
    /// <see cref="Backward(Tensor, float, bool)"/> with one weight per row (the importance-weighted bound weighs
    /// each sample by its normalised weight). Adds into the parameters' <c>Grad</c>; returns the gradient w.r.t. z.
    /// </summary>
    public abstract Tensor Backward(Tensor x, ReadOnlySpan<float> rowScales);

    /// <summary>Multiplies row r of <paramref name="t"/> by <c>scales[r]</c>.</summary>
    protected static void ScaleRows(Tensor t, ReadOnlySpan<float> scales)
    {
        if (scales.Length != t.Rows)
            throw new ArgumentException($"{scales.Length} row scales for {t.Rows} rows.", nameof(scales));
        for (var r = 0; r < t.Rows; r++) TensorPrimitives.Multiply(t.Row(r), scales[r], t.Row(r));
    }

    /// <summary>Parameters named relative to the decoder (<c>hidden.weight</c>, <c>out.bias</c>, ...).</summary>
    public abstract IEnumerable<(string Name, Parameter Parameter)> NamedParameters();

    /// <summary>
    /// While true, the layers keep their weights packed for the matrix products between passes (see
    /// <see cref="Linear.WeightsFrozen"/>): for passes that move z only, such as HMC and the evaluations; bitwise
    /// the same results. Prefer <see cref="FreezeWeights"/>, which restores the previous state.
    /// </summary>
    public bool WeightsFrozen
    {
        get;
        set
        {
            field = value;
            FreezeLayers(value);
        }
    }

    /// <summary>
    /// <c>using (decoder.FreezeWeights()) { … }</c>: the weights stay packed inside the block, which must not
    /// change them (an optimiser step there would go unseen by the products).
    /// </summary>
    public FrozenWeights FreezeWeights()
    {
        var scope = new FrozenWeights(this, WeightsFrozen);
        WeightsFrozen = true;
        return scope;
    }

    /// <summary>Sets <see cref="Linear.WeightsFrozen"/> on every layer.</summary>
    protected abstract void FreezeLayers(bool frozen);

    protected void CheckData(Tensor x, Tensor forwardOutput)
    {
        if (!x.HasShape(forwardOutput.Rows, OutputSize))
            throw new ArgumentException($"Data is [{x.Rows}, {x.Cols}] but the last Forward produced [{forwardOutput.Rows}, {OutputSize}].", nameof(x));
    }

    /// <summary><c>dz = ((g_h) ⊙ (1 − h²)) · W₁</c>: the hidden layer's backward pass without touching parameter gradients.</summary>
    protected static Tensor HiddenInputGrad(Tensor gradH, Tensor h, Linear hidden, ref Tensor? gradA, ref Tensor? gradZ)
    {
        var ga = Tensor.Ensure(ref gradA, gradH.Rows, gradH.Cols);
        Kernels.TanhBackward(h.Data, gradH.Data, ga.Data);
        var dz = Tensor.Ensure(ref gradZ, gradH.Rows, hidden.InFeatures);
        hidden.InputGradient(ga, dz);
        return dz;
    }
}
