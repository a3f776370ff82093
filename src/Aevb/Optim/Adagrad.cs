using System.Numerics;
using System.Runtime.InteropServices;
using Aevb.Nn;

namespace Aevb.Optim;

/// <summary>
/// Adagrad (Duchi, Hazan &amp; Singer 2011), the paper's optimiser (Section 5): per coordinate
/// <c>G += g²</c>, <c>θ −= lr · g / (√G + ε)</c>, with <c>g</c> the gradient plus <c>WeightDecay·θ</c>.
/// The paper chooses the global step size per run from {0.01, 0.02, 0.1} on the training set (Section 5;
/// `aevb reproduce` does the same); 0.02 is only this constructor's default.
/// ε = 1e-10 (PyTorch's default) only keeps a coordinate whose gradient has always been exactly 0 at rest;
/// it does not otherwise change the steps.
/// </summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>
    /// The global step size wherever none is given (one of the paper's candidates, Section 5); the paper, and
    /// <c>aevb reproduce</c>, choose it per run from {0.01, 0.02, 0.1}.
    /// </summary>
    public const float DefaultLearningRate = 0.02f;

    private readonly float[][] _sumSquares;

    public Adagrad(IEnumerable<Parameter> parameters, float learningRate = DefaultLearningRate, float weightDecay = 0f, float epsilon = 1e-10f)
        : base(parameters, learningRate, weightDecay)
    {
        if (!(epsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be zero or positive.");
        Epsilon = epsilon;
        _sumSquares = NewState();
    }

    public float Epsilon { get; }

    /// <summary>The running sum of squared gradients of parameter <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> SumOfSquares(int index) => _sumSquares[index];

    public override IReadOnlyList<(string Name, float[] Values)> State()
        => _sumSquares.Select((a, i) => ($"sum_squares.{i}", a)).ToArray();

    protected override void Update(int index, int start, Span<float> value, ReadOnlySpan<float> grad)
    {
        var sum = _sumSquares[index].AsSpan(start, value.Length);
        float lr = LearningRate, wd = WeightDecay, eps = Epsilon;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vValue = MemoryMarshal.Cast<float, Vector<float>>(value);
            var vGrad = MemoryMarshal.Cast<float, Vector<float>>(grad);
            var vSum = MemoryMarshal.Cast<float, Vector<float>>(sum);
            Vector<float> vLr = new(lr), vWd = new(wd), vEps = new(eps);
            for (var k = 0; k < vValue.Length; k++)
            {
                var g = vGrad[k] + vWd * vValue[k];
                var s = vSum[k] + g * g;
                vSum[k] = s;
                vValue[k] -= vLr * g / (Vector.SquareRoot(s) + vEps);
            }
            i = vValue.Length * Vector<float>.Count;
        }
        for (; i < value.Length; i++)
        {
            var g = grad[i] + wd * value[i];
            sum[i] += g * g;
            value[i] -= lr * g / (MathF.Sqrt(sum[i]) + eps);
        }
    }
}
