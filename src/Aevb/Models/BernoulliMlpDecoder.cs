using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Aevb.Nn;
using Aevb.Tensors;

namespace Aevb.Models;

/// <summary>
/// Bernoulli MLP decoder (Appendix C.1): <c>logits = W₂ tanh(W₁ z + b₁) + b₂</c>, <c>y = σ(logits)</c> and
/// <c>log p(x|z) = Σ_d x_d log y_d + (1 − x_d) log(1 − y_d)</c>. The log-likelihood is computed from the
/// logits as <c>x·l − softplus(l)</c>, exact where <c>σ(l)</c> would round to 0 or 1 in float32.
/// Parameters: <c>hidden.*</c>, <c>out.*</c>.
/// </summary>
public sealed class BernoulliMlpDecoder : Decoder
{
    private readonly Tanh _tanh = new();
    private Tensor? _h, _logits, _probs, _scratch, _gradLogits, _gradH, _gradA, _gradZ;

    public BernoulliMlpDecoder(int latentSize, int hiddenSize, int outputSize)
    {
        Hidden = new Linear(latentSize, hiddenSize);
        Out = new Linear(hiddenSize, outputSize);
    }

    public Linear Hidden { get; }
    public Linear Out { get; }
    public override DecoderKind Kind => DecoderKind.Bernoulli;
    public override int LatentSize => Hidden.InFeatures;
    public override int OutputSize => Out.OutFeatures;

    /// <summary>The logits of the last <see cref="Forward"/>.</summary>
    public Tensor Logits => _logits ?? throw new InvalidOperationException("Forward has not run.");

    public override Tensor Forward(Tensor z)
    {
        _h = _tanh.Forward(Hidden.Forward(z));
        _logits = Out.Forward(_h);
        var probs = Tensor.Ensure(ref _probs, _logits.Rows, _logits.Cols);
        TensorPrimitives.Sigmoid(_logits.Data, probs.Data);
        return probs;
    }

    public override void LogLikelihood(Tensor x, Span<float> result)
    {
        var l = Logits;
        CheckData(x, l);
        if (result.Length < l.Rows) throw new ArgumentException($"Result has {result.Length} slots for {l.Rows} rows.", nameof(result));
        // x·l − softplus(l) with softplus(l) = max(l, 0) + log(1 + e^−|l|) and Σ max(l, 0) = ½ (Σ l + Σ |l|).
        var s = Tensor.Ensure(ref _scratch, l.Rows, l.Cols).Span;
        TensorPrimitives.Abs(l.Data, s);
        TensorPrimitives.Negate(s, s);
        TensorPrimitives.Exp(s, s);
        TensorPrimitives.Add(s, 1f, s);
        TensorPrimitives.Log(s, s);
        var d = l.Cols;
        for (var r = 0; r < l.Rows; r++)
        {
            var lr = l.Row(r);
            result[r] = TensorPrimitives.Dot(x.Row(r), lr)
                        - 0.5f * (TensorPrimitives.Sum(lr) + TensorPrimitives.SumOfMagnitudes(lr))
                        - TensorPrimitives.Sum(s.Slice(r * d, d));
        }
    }

    public override Tensor Backward(Tensor x, float scale, bool parameterGrads = true)
    {
        var probs = _probs ?? throw new InvalidOperationException("Backward called before Forward.");
        CheckData(x, probs);
        // ∂/∂l [x·l − softplus(l)] = x − σ(l).
        var gl = Tensor.Ensure(ref _gradLogits, probs.Rows, probs.Cols);
        TensorPrimitives.Subtract(x.Data, probs.Data, gl.Data);
        TensorPrimitives.Multiply(gl.Data, scale, gl.Data);
        if (parameterGrads) return Hidden.Backward(_tanh.Backward(Out.Backward(gl)));

        var gh = Tensor.Ensure(ref _gradH, gl.Rows, Out.InFeatures);
        Gemm.MatMul(gl, Out.Weight.Value, gh);
        return HiddenInputGrad(gh, _h!, Hidden, ref _gradA, ref _gradZ);
    }

    public override IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        yield return ("hidden.weight", Hidden.Weight);
        yield return ("hidden.bias", Hidden.Bias);
        yield return ("out.weight", Out.Weight);
        yield return ("out.bias", Out.Bias);
    }
}
