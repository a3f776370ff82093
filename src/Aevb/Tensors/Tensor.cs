using System.Runtime.CompilerServices;

namespace Aevb.Tensors;

/// <summary>
/// A dense float32 matrix, row-major and batch-major: <c>[Rows, Cols]</c> is <c>[batch, features]</c>
/// for activations and <c>[out, in]</c> for weights (PyTorch <c>nn.Linear</c> layout).
/// The engine only needs rank 2, so that is all this is; buffers are allocated once and reused.
/// </summary>
public sealed class Tensor
{
    /// <summary>A 0 x 0 tensor, returned where a result is not computed (e.g. the input gradient of a first layer).</summary>
    public static readonly Tensor Empty = new(0, 0);

    public Tensor(int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        Rows = rows;
        Cols = cols;
        Data = new float[checked(rows * cols)];
    }

    /// <summary>Wraps <paramref name="data"/> (not copied) as a <c>[rows, cols]</c> tensor.</summary>
    public Tensor(int rows, int cols, float[] data)
    {
        if (data.Length != checked(rows * cols))
            throw new ArgumentException($"Data has {data.Length} elements; a [{rows}, {cols}] tensor needs {rows * cols}.", nameof(data));
        Rows = rows;
        Cols = cols;
        Data = data;
    }

    public int Rows { get; }
    public int Cols { get; }
    public float[] Data { get; }
    public int Length => Data.Length;

    public Span<float> Span => Data;

    public Span<float> Row(int row) => Data.AsSpan(row * Cols, Cols);

    public ref float this[int row, int col]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Data[row * Cols + col];
    }

    public bool HasShape(int rows, int cols) => Rows == rows && Cols == cols;

    public void Zero() => Array.Clear(Data);

    public void Fill(float value) => Data.AsSpan().Fill(value);

    public void CopyFrom(Tensor source)
    {
        RequireSameShape(source, nameof(source));
        source.Data.AsSpan().CopyTo(Data);
    }

    public Tensor Clone()
    {
        var copy = new Tensor(Rows, Cols);
        Data.AsSpan().CopyTo(copy.Data);
        return copy;
    }

    public static Tensor FromArray(float[,] values)
    {
        var t = new Tensor(values.GetLength(0), values.GetLength(1));
        for (var i = 0; i < t.Rows; i++)
            for (var j = 0; j < t.Cols; j++)
                t[i, j] = values[i, j];
        return t;
    }

    /// <summary>
    /// Returns <paramref name="buffer"/> if it already has the shape, else a new tensor of that shape.
    /// Layers keep their outputs this way: no allocation while the batch size stays the same.
    /// </summary>
    public static Tensor Ensure(ref Tensor? buffer, int rows, int cols)
    {
        if (buffer is null || !buffer.HasShape(rows, cols))
            buffer = new Tensor(rows, cols);
        return buffer;
    }

    public void RequireSameShape(Tensor other, string name)
    {
        if (!other.HasShape(Rows, Cols))
            throw new ArgumentException($"Shape mismatch: {name} is [{other.Rows}, {other.Cols}], expected [{Rows}, {Cols}].", name);
    }

    public override string ToString() => $"Tensor[{Rows}, {Cols}]";
}
