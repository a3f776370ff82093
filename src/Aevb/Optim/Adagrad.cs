using System.Runtime.Intrinsics;
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
        // The widest vectors the machine has: sqrt and divide are correctly rounded at any width, so every path
        // (and the scalar tail) gives the same bits; on AVX-512 the 512-bit path halves the sqrt and divide count,
        // the dearest part of the update.
        var i = Vector512.IsHardwareAccelerated ? Update512(value, grad, sum, lr, wd, eps) : 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var v = ref MemoryMarshal.GetReference(value);
            ref var gr = ref MemoryMarshal.GetReference(grad);
            ref var su = ref MemoryMarshal.GetReference(sum);
            Vector256<float> vLr = Vector256.Create(lr), vWd = Vector256.Create(wd), vEps = Vector256.Create(eps);
            for (; i + Vector256<float>.Count <= value.Length; i += Vector256<float>.Count)
            {
                var theta = Vector256.LoadUnsafe(ref v, (nuint)i);
                var g = Vector256.LoadUnsafe(ref gr, (nuint)i) + vWd * theta;
                var s = Vector256.LoadUnsafe(ref su, (nuint)i) + g * g;
                s.StoreUnsafe(ref su, (nuint)i);
                (theta - vLr * g / (Vector256.Sqrt(s) + vEps)).StoreUnsafe(ref v, (nuint)i);
            }
        }
        for (; i < value.Length; i++)
        {
            var g = grad[i] + wd * value[i];
            sum[i] += g * g;
            value[i] -= lr * g / (MathF.Sqrt(sum[i]) + eps);
        }
    }

    /// <summary>The update on whole 512-bit vectors; returns how many coordinates it did.</summary>
    private static int Update512(Span<float> value, ReadOnlySpan<float> grad, Span<float> sum, float lr, float wd, float eps)
    {
        ref var v = ref MemoryMarshal.GetReference(value);
        ref var gr = ref MemoryMarshal.GetReference(grad);
        ref var su = ref MemoryMarshal.GetReference(sum);
        Vector512<float> vLr = Vector512.Create(lr), vWd = Vector512.Create(wd), vEps = Vector512.Create(eps);
        var i = 0;
        for (; i + Vector512<float>.Count <= value.Length; i += Vector512<float>.Count)
        {
            var theta = Vector512.LoadUnsafe(ref v, (nuint)i);
            var g = Vector512.LoadUnsafe(ref gr, (nuint)i) + vWd * theta;
            var s = Vector512.LoadUnsafe(ref su, (nuint)i) + g * g;
            s.StoreUnsafe(ref su, (nuint)i);
            (theta - vLr * g / (Vector512.Sqrt(s) + vEps)).StoreUnsafe(ref v, (nuint)i);
        }
        return i;
    }
}
