using System.Numerics.Tensors;

namespace Aevb.Tensors;

/// <summary>Elementwise and reduction kernels used by the layers, over spans (vectorised by TensorPrimitives).</summary>
public static class Kernels
{
    /// <summary>Adds <paramref name="vector"/> to every row of <paramref name="t"/> (bias add).</summary>
    public static void AddRowVector(Tensor t, ReadOnlySpan<float> vector)
    {
        for (var i = 0; i < t.Rows; i++)
        {
            var row = t.Row(i);
            TensorPrimitives.Add(row, vector, row);
        }
    }

    /// <summary>Adds the column sums of <paramref name="t"/> into <paramref name="sums"/> (bias gradient).</summary>
    public static void AddColumnSums(Tensor t, Span<float> sums)
    {
        for (var i = 0; i < t.Rows; i++) TensorPrimitives.Add(sums, t.Row(i), sums);
    }

    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

    /// <summary><c>dx = dy · (1 − y²)</c>.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (var i = 0; i < dx.Length; i++) dx[i] = dy[i] * (1f - y[i] * y[i]);
    }

    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    /// <summary><c>dx = dy · y (1 − y)</c>.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        for (var i = 0; i < dx.Length; i++) dx[i] = dy[i] * y[i] * (1f - y[i]);
    }
}
