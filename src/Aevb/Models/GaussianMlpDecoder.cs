using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Aevb.Nn;
using Aevb.Tensors;

namespace Aevb.Models;

/// <summary>
/// Gaussian MLP decoder for continuous data (Appendix C.2, used for Frey Face):
/// <c>h = tanh(W₁ z + b₁)</c>, mean <c>m = σ(W_μ h + b_μ)</c> (kept in (0, 1) like the pixels),
/// free <c>log σ² = W_σ h + b_σ</c> (other links, for ablations: <see cref="MeanOutput"/>,
/// <see cref="VarianceOutput"/>), and
/// <c>log p(x|z) = −½ Σ_d [log 2π + log σ_d² + (x_d − m_d)² / σ_d²]</c>.
/// Parameters: <c>hidden.*</c>, <c>mu.*</c>, <c>logvar.*</c>.
/// </summary>
public sealed class GaussianMlpDecoder : Decoder
{
    private readonly Tanh _tanh = new();
    private readonly Sigmoid _sigmoid = new();
    private Tensor? _h, _mean, _logVar, _diffRow, _squaresRow, _invVar, _gradMean, _gradLogVar, _gradH, _gradA, _gradZ;
    private Tensor? _varPre, _softplusLogVar;
    private bool _invVarCurrent;

    public GaussianMlpDecoder(int latentSize, int hiddenSize, int outputSize)
    {
        Hidden = new Linear(latentSize, hiddenSize);
        Mu = new Linear(hiddenSize, outputSize);
        LogVar = new Linear(hiddenSize, outputSize);
    }

    public Linear Hidden { get; }
    public Linear Mu { get; }
    public Linear LogVar { get; }
    public override DecoderKind Kind => DecoderKind.Gaussian;
    public override int LatentSize => Hidden.InFeatures;
    public override int OutputSize => Mu.OutFeatures;

    /// <summary>How the mean layer's output becomes the mean (default: the sigmoid of Section 5).</summary>
    public GaussianMean MeanOutput { get; set; }

    /// <summary>How the variance layer's output becomes σ² (default: log σ², Appendix C.2).</summary>
    public GaussianVariance VarianceOutput { get; set; }

    /// <summary>log σ² of the last <see cref="Forward"/>.</summary>
    public Tensor LogVariance => _logVar ?? throw new InvalidOperationException("Forward has not run.");

    public override Tensor Forward(Tensor z)
    {
        _h = _tanh.Forward(Hidden.Forward(z));
        _mean = MeanOutput == GaussianMean.Linear ? Mu.Forward(_h) : _sigmoid.Forward(Mu.Forward(_h));
        if (VarianceOutput == GaussianVariance.Logvar) _logVar = LogVar.Forward(_h);
        else
        {
            _varPre = LogVar.Forward(_h);
            _logVar = Tensor.Ensure(ref _softplusLogVar, _varPre.Rows, _varPre.Cols);
            SoftplusVariance.Forward(_varPre, _logVar);
        }
        _invVarCurrent = false;
        return _mean;
    }

    public override void LogLikelihood(Tensor x, Span<float> result)
    {
        var m = _mean ?? throw new InvalidOperationException("Forward has not run.");
        CheckData(x, m);
        if (result.Length < m.Rows) throw new ArgumentException($"Result has {result.Length} slots for {m.Rows} rows.", nameof(result));
        var invVar = InverseVariance();
        // Row by row through two one-row buffers that stay in L1: x − m, then (x − m)/σ², dotted with x − m.
        var d = m.Cols;
        var dr = Tensor.Ensure(ref _diffRow, 1, d).Span;
        var sq = Tensor.Ensure(ref _squaresRow, 1, d).Span;
        for (var r = 0; r < m.Rows; r++)
        {
            TensorPrimitives.Subtract(x.Row(r), m.Row(r), dr);
            TensorPrimitives.Multiply(invVar.Row(r), dr, sq);
            result[r] = -0.5f * (TensorPrimitives.Dot(sq, dr) + TensorPrimitives.Sum(_logVar!.Row(r))) - d * HalfLog2Pi;
        }
    }

    public override Tensor Backward(Tensor x, float scale, bool parameterGrads = true)
    {
        var (gPre, glv) = OutputGrads(x, scale, default);
        if (parameterGrads) return BackwardFromOutputs(gPre, glv);
        var gh = Tensor.Ensure(ref _gradH, gPre.Rows, Mu.InFeatures);
        Mu.InputGradient(gPre, gh);
        LogVar.InputGradient(glv, gh, accumulate: true);
        return HiddenInputGrad(gh, _h!, Hidden, ref _gradA, ref _gradZ);
    }

    public override Tensor Backward(Tensor x, ReadOnlySpan<float> rowScales)
    {
        var (gPre, glv) = OutputGrads(x, 1f, rowScales);
        return BackwardFromOutputs(gPre, glv);
    }

    /// <summary>
    /// <c>scale · ∂ log p(x|z)</c> w.r.t. the mean's pre-activation and log σ², each row also times its
    /// <paramref name="rowScales"/> entry when given (reused buffers).
    /// </summary>
    private (Tensor GradPre, Tensor GradLogVar) OutputGrads(Tensor x, float scale, ReadOnlySpan<float> rowScales)
    {
        var m = _mean ?? throw new InvalidOperationException("Backward called before Forward.");
        CheckData(x, m);
        // ∂/∂m = (x − m)/σ²;  ∂/∂log σ² = ½ [(x − m)²/σ² − 1].
        var gm = Tensor.Ensure(ref _gradMean, m.Rows, m.Cols);
        var glv = Tensor.Ensure(ref _gradLogVar, m.Rows, m.Cols);
        GaussianKernels.OutputGrads(x.Data, m.Data, InverseVariance().Data, scale, gm.Data, glv.Data);
        if (!rowScales.IsEmpty)
        {
            ScaleRows(gm, rowScales);
            ScaleRows(glv, rowScales);
        }
        if (VarianceOutput == GaussianVariance.Softplus) SoftplusVariance.Backward(_varPre!, glv);
        return (MeanOutput == GaussianMean.Linear ? gm : _sigmoid.Backward(gm), glv);
    }

    /// <summary>The layers' backward pass from the output gradients, adding into the parameters' <c>Grad</c>.</summary>
    private Tensor BackwardFromOutputs(Tensor gPre, Tensor glv)
    {
        var gh = Tensor.Ensure(ref _gradH, gPre.Rows, Mu.InFeatures);
        TensorPrimitives.Add(Mu.Backward(gPre).Data, LogVar.Backward(glv).Data, gh.Data);
        return Hidden.Backward(_tanh.Backward(gh));
    }

    /// <summary>
    /// <c>1/σ² = e^{−log σ²}</c> of the last forward pass, computed once: the log-likelihood and the backward pass
    /// of a training step both need it, and the exp is the dearest pass of the Gaussian output.
    /// </summary>
    private Tensor InverseVariance()
    {
        var logVar = _logVar!;
        var invVar = Tensor.Ensure(ref _invVar, logVar.Rows, logVar.Cols);
        if (!_invVarCurrent)
        {
            TensorPrimitives.Negate(logVar.Data, invVar.Data);
            TensorPrimitives.Exp(invVar.Data, invVar.Data);
            _invVarCurrent = true;
        }
        return invVar;
    }

    protected override void FreezeLayers(bool frozen)
        => Hidden.WeightsFrozen = Mu.WeightsFrozen = LogVar.WeightsFrozen = frozen;

    public override IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        yield return ("hidden.weight", Hidden.Weight);
        yield return ("hidden.bias", Hidden.Bias);
        yield return ("mu.weight", Mu.Weight);
        yield return ("mu.bias", Mu.Bias);
        yield return ("logvar.weight", LogVar.Weight);
        yield return ("logvar.bias", LogVar.Bias);
    }
}
