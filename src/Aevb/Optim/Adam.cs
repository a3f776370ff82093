using System.Numerics;
using System.Runtime.InteropServices;
using Aevb.Nn;

namespace Aevb.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) as PyTorch computes it: <c>m = β₁m + (1−β₁)g</c>, <c>v = β₂v + (1−β₂)g²</c>,
/// <c>θ −= (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε)</c>, with <c>g</c> the gradient plus <c>WeightDecay·θ</c>
/// (L2 regularisation as in <c>torch.optim.Adam</c>, not decoupled AdamW).
/// </summary>
public sealed class Adam : Optimizer
{
    private readonly float[][] _m, _v;

    public Adam(IEnumerable<Parameter> parameters, float learningRate = 1e-3f, float weightDecay = 0f,
        float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
        : base(parameters, learningRate, weightDecay)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β₁ must be in [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β₂ must be in [0, 1).");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        _m = NewState();
        _v = NewState();
    }

    public float Beta1 { get; }
    public float Beta2 { get; }
    public float Epsilon { get; }

    public override IReadOnlyList<(string Name, float[] Values)> State()
        => _m.Select((a, i) => ($"m.{i}", a)).Concat(_v.Select((a, i) => ($"v.{i}", a))).ToArray();

    protected override void Update(int index, int start, Span<float> value, ReadOnlySpan<float> grad)
    {
        var m = _m[index].AsSpan(start, value.Length);
        var v = _v[index].AsSpan(start, value.Length);
        float b1 = Beta1, b2 = Beta2, wd = WeightDecay, eps = Epsilon;
        var t = (double)StepCount;
        var stepSize = (float)(LearningRate / (1 - Math.Pow(b1, t)));
        var rootCorrection2 = (float)Math.Sqrt(1 - Math.Pow(b2, t));
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vValue = MemoryMarshal.Cast<float, Vector<float>>(value);
            var vGrad = MemoryMarshal.Cast<float, Vector<float>>(grad);
            var vM = MemoryMarshal.Cast<float, Vector<float>>(m);
            var vV = MemoryMarshal.Cast<float, Vector<float>>(v);
            for (var k = 0; k < vValue.Length; k++)
            {
                var g = vGrad[k] + new Vector<float>(wd) * vValue[k];
                var mk = new Vector<float>(b1) * vM[k] + new Vector<float>(1 - b1) * g;
                var vk = new Vector<float>(b2) * vV[k] + new Vector<float>(1 - b2) * g * g;
                vM[k] = mk;
                vV[k] = vk;
                vValue[k] -= new Vector<float>(stepSize) * mk / (Vector.SquareRoot(vk) / new Vector<float>(rootCorrection2) + new Vector<float>(eps));
            }
            i = vValue.Length * Vector<float>.Count;
        }
        for (; i < value.Length; i++)
        {
            var g = grad[i] + wd * value[i];
            m[i] = b1 * m[i] + (1 - b1) * g;
            v[i] = b2 * v[i] + (1 - b2) * g * g;
            value[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) / rootCorrection2 + eps);
        }
    }
}
