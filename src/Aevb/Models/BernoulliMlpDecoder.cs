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
    private readonly RowPasses _rows = new();
    private bool _probsCurrent;
    private Tensor? _z, _h, _logits, _probs, _gradLogits, _gradH, _gradA, _gradZ, _oneDatapoint;
    private readonly KeptForward _kept = new();

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
        ForwardForLikelihood(z);
        return Probabilities();
    }

    /// <summary>The logits only: forward-only evaluations skip the sigmoid, and <see cref="Backward"/> computes σ(l) inside its <c>x − σ(l)</c> pass.</summary>
    public override void ForwardForLikelihood(Tensor z)
    {
        _z = z;
        _h = _tanh.Forward(Hidden.Forward(z));
        _logits = Out.Forward(_h);
        _probsCurrent = false;
    }

    public override void KeepForward()
    {
        if (_z is null || _h is null || _logits is null) throw new InvalidOperationException("KeepForward called before Forward.");
        _kept.Keep(_z, _h, _logits);
    }

    public override bool TryReuseForward(Tensor z)
    {
        if (_z is null || _h is null || _logits is null || !_kept.TakeRows(z, _z, _h, _logits)) return false;
        // Backward reads z (the hidden layer's weight gradient), h and the logits: all now those of z's rows.
        Hidden.RebindInput(z);
        _z = z;
        _probsCurrent = false;
        return true;
    }

    /// <summary>σ(logits) of the last forward pass, computed once.</summary>
    private Tensor Probabilities()
    {
        var l = Logits;
        var probs = Tensor.Ensure(ref _probs, l.Rows, l.Cols);
        if (!_probsCurrent)
        {
            _rows.Run(RowPass.Sigmoid, l, probs, null, 1f, default);
            _probsCurrent = true;
        }
        return probs;
    }

    public override void LogLikelihood(Tensor x, Span<float> result)
    {
        var l = Logits;
        CheckData(x, l);
        if (result.Length < l.Rows) throw new ArgumentException($"Result has {result.Length} slots for {l.Rows} rows.", nameof(result));
        // x·l − softplus(l) with softplus(l) = max(l, 0) + log1p(e^−|l|), one fused pass per row.
        _rows.Run(RowPass.LogLikelihood, l, l, x, 1f, result);
    }

    /// <summary>Reads the one datapoint in place for every row: no copy per row to write and stream back in.</summary>
    public override void LogLikelihood(ReadOnlySpan<float> x, int rows, Span<float> result)
    {
        var l = Logits;
        if (rows != l.Rows || x.Length != OutputSize)
            throw new ArgumentException(
                $"One datapoint of {x.Length} floats for {rows} rows; the last forward pass gave [{l.Rows}, {l.Cols}].",
                nameof(x));
        if (result.Length < l.Rows)
            throw new ArgumentException($"Result has {result.Length} slots for {l.Rows} rows.", nameof(result));
        var one = Tensor.Ensure(ref _oneDatapoint, 1, OutputSize);
        x.CopyTo(one.Span);
        _rows.Run(RowPass.LogLikelihood, l, l, one, 1f, result);
    }

    public override Tensor Backward(Tensor x, float scale, bool parameterGrads = true)
    {
        var gl = GradLogits(x, scale);
        if (parameterGrads) return Hidden.Backward(_tanh.Backward(Out.Backward(gl)));

        var gh = Tensor.Ensure(ref _gradH, gl.Rows, Out.InFeatures);
        Out.InputGradient(gl, gh);
        return HiddenInputGrad(gh, _h!, Hidden, ref _gradA, ref _gradZ);
    }

    public override Tensor Backward(Tensor x, ReadOnlySpan<float> rowScales)
    {
        var gl = GradLogits(x, 1f);
        ScaleRows(gl, rowScales);
        return Hidden.Backward(_tanh.Backward(Out.Backward(gl)));
    }

    /// <summary><c>scale · ∂ log p(x|z)/∂ logits</c> into a reused buffer.</summary>
    private Tensor GradLogits(Tensor x, float scale)
    {
        var l = _logits ?? throw new InvalidOperationException("Backward called before Forward.");
        CheckData(x, l);
        // ∂/∂l [x·l − softplus(l)] = x − σ(l); after ForwardForLikelihood, σ(l) row by row inside the same pass
        // (the same sigmoid kernel per row, so the same bits, without a separate probabilities pass).
        var gl = Tensor.Ensure(ref _gradLogits, l.Rows, l.Cols);
        if (_probsCurrent) _rows.Run(RowPass.GradLogits, _probs!, gl, x, scale, default);
        else _rows.Run(RowPass.SigmoidGradLogits, l, gl, x, scale, default);
        return gl;
    }

    protected override void FreezeLayers(bool frozen) => Hidden.WeightsFrozen = Out.WeightsFrozen = frozen;

    public override IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        yield return ("hidden.weight", Hidden.Weight);
        yield return ("hidden.bias", Hidden.Bias);
        yield return ("out.weight", Out.Weight);
        yield return ("out.bias", Out.Bias);
    }

    private enum RowPass
    {
        Sigmoid,
        LogLikelihood,
        GradLogits,
        SigmoidGradLogits,
    }

    /// <summary>
    /// The decoder's elementwise passes over <c>[rows, D]</c>, shared between the engine's threads by whole rows
    /// (<see cref="Engine.ParallelFor"/>). The sigmoid and the fused log-likelihood (<see cref="Kernels.BernoulliLogLikelihood"/>)
    /// run row by row, so each element takes the same path (vector body or scalar tail, by its column) and each
    /// row's sum covers exactly that row whatever the split; <c>x − σ(l)</c> is exact per element. The results do
    /// not depend on the thread count.
    /// </summary>
    private sealed class RowPasses : IRangeBody
    {
        // Rows per task so that a task touches at least ~16K floats (below that the split costs more than it saves).
        private const int MinFloatsPerTask = 16 * 1024;
        private RowPass _pass;
        private Tensor _a = Tensor.Empty, _b = Tensor.Empty, _x = Tensor.Empty;
        private float[] _result = [];
        private float _scale;
        private float[]? _rowResult;

        public void Run(RowPass pass, Tensor a, Tensor b, Tensor? x, float scale, Span<float> result)
        {
            _pass = pass;
            _a = a;
            _b = b;
            _x = x ?? Tensor.Empty;
            _scale = scale;
            var rows = a.Rows;
            var d = a.Cols;
            // Results go through a buffer of our own (a Span cannot be a field), copied out at the end.
            if (pass == RowPass.LogLikelihood)
            {
                if (_rowResult is null || _rowResult.Length < rows) _rowResult = new float[rows];
                _result = _rowResult;
            }
            // Narrow rows: too little work per row to share.
            if (d < 16) Invoke(0, rows);
            else Engine.ParallelFor(rows, this, Math.Max(1, MinFloatsPerTask / d));
            if (pass == RowPass.LogLikelihood) _result.AsSpan(0, rows).CopyTo(result);
            _a = _b = _x = Tensor.Empty;
        }

        public void Invoke(int start, int end)
        {
            var d = _a.Cols;
            var count = (end - start) * d;
            var a = _a.Data.AsSpan(start * d, count);
            var b = _b.Data.AsSpan(start * d, count);
            switch (_pass)
            {
                case RowPass.Sigmoid:
                    // Row by row: each element's path (vector body or scalar tail) depends on its column only.
                    for (var r = start; r < end; r++) Kernels.Sigmoid(_a.Row(r), _b.Row(r));
                    break;
                case RowPass.GradLogits:
                {
                    // ∂/∂l [x·l − softplus(l)] = x − σ(l), times scale (× 1 is exact, so skipped).
                    var x = _x.Data.AsSpan(start * d, count);
                    TensorPrimitives.Subtract(x, a, b);
                    if (_scale != 1f) TensorPrimitives.Multiply(b, _scale, b);
                    break;
                }
                case RowPass.SigmoidGradLogits:
                    // (x − σ(l))·scale row by row from the logits, in one fused pass per row.
                    for (var r = start; r < end; r++)
                        Kernels.BernoulliGradLogits(_a.Row(r), _x.Row(r), _scale, _b.Row(r));
                    break;
                case RowPass.LogLikelihood:
                    // One fused pass per row: Σ x·l − softplus(l), one exp and one log-polynomial per element; a
                    // single row of x is the one datapoint every row is scored against.
                    var oneX = _x.Rows == 1;
                    for (var r = start; r < end; r++)
                        _result[r] = Kernels.BernoulliLogLikelihood(_a.Row(r), _x.Row(oneX ? 0 : r));
                    break;
            }
        }
    }
}
