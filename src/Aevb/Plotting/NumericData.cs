using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;

namespace Aevb.Plotting;

/// <summary>Turns caller data (any numeric type) into the immutable double arrays charts hold.</summary>
internal static class NumericData
{
    /// <summary>
    /// Copies <paramref name="source"/> to doubles. float and Half go through their shortest
    /// round-trip text so that 0.1f becomes 0.1 rather than 0.10000000149011612: the JSON then
    /// shows the numbers the caller had, and stays small.
    /// </summary>
    public static ImmutableArray<double> ToDoubles<T>(IEnumerable<T> source, string parameter) where T : INumberBase<T>
    {
        ArgumentNullException.ThrowIfNull(source, parameter);
        var builder = source.TryGetNonEnumeratedCount(out int n)
            ? ImmutableArray.CreateBuilder<double>(n)
            : ImmutableArray.CreateBuilder<double>();
        foreach (var v in source) builder.Add(ToDouble(v));
        return builder.Count == builder.Capacity ? builder.MoveToImmutable() : builder.ToImmutable();
    }

    public static double ToDouble<T>(T value) where T : INumberBase<T>
    {
        if (typeof(T) == typeof(double)) return (double)(object)value;
        if (typeof(T) == typeof(float)) return Shortest((float)(object)value);
        if (typeof(T) == typeof(Half)) return Shortest((float)(Half)(object)value);
        return double.CreateSaturating(value);
    }

    private static double Shortest(float f) =>
        float.IsFinite(f) ? double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : f;

    /// <summary>Rows of a rectangular 2-D array as immutable double rows (row 0 first).</summary>
    public static ImmutableArray<ImmutableArray<double>> Rows<T>(T[,] z, string parameter) where T : INumberBase<T>
    {
        ArgumentNullException.ThrowIfNull(z, parameter);
        int rows = z.GetLength(0), cols = z.GetLength(1);
        var result = ImmutableArray.CreateBuilder<ImmutableArray<double>>(rows);
        for (int r = 0; r < rows; r++)
        {
            var row = ImmutableArray.CreateBuilder<double>(cols);
            for (int c = 0; c < cols; c++) row.Add(ToDouble(z[r, c]));
            result.Add(row.MoveToImmutable());
        }
        return result.MoveToImmutable();
    }

    /// <summary>Rows of a jagged array; all rows must have the same length.</summary>
    public static ImmutableArray<ImmutableArray<double>> Rows<T>(IEnumerable<IEnumerable<T>> z, string parameter) where T : INumberBase<T>
    {
        ArgumentNullException.ThrowIfNull(z, parameter);
        var rows = z.Select((row, i) => ToDoubles(row ?? throw new ArgumentException($"Row {i} of '{parameter}' is null.", parameter), parameter)).ToImmutableArray();
        if (rows.Length > 0 && rows.Any(r => r.Length != rows[0].Length))
            throw new ArgumentException(
                $"'{parameter}' must be rectangular: row lengths are {string.Join(", ", rows.Select(r => r.Length).Distinct())}.", parameter);
        return rows;
    }

    /// <summary>Rows of a row-major flat buffer of shape [rows, cols] (how our tensors store images).</summary>
    public static ImmutableArray<ImmutableArray<double>> Rows<T>(ReadOnlySpan<T> data, int rows, int cols, string parameter) where T : INumberBase<T>
    {
        if (rows <= 0 || cols <= 0)
            throw new ArgumentOutOfRangeException(nameof(rows), $"Shape must be positive, got [{rows}, {cols}].");
        if (data.Length != (long)rows * cols)
            throw new ArgumentException($"'{parameter}' holds {data.Length} values but shape [{rows}, {cols}] needs {(long)rows * cols}.", parameter);
        var result = ImmutableArray.CreateBuilder<ImmutableArray<double>>(rows);
        for (int r = 0; r < rows; r++)
        {
            var row = ImmutableArray.CreateBuilder<double>(cols);
            for (int c = 0; c < cols; c++) row.Add(ToDouble(data[r * cols + c]));
            result.Add(row.MoveToImmutable());
        }
        return result.MoveToImmutable();
    }

    public static void SameLength(ImmutableArray<double> x, ImmutableArray<double> y, string what)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"{what}: x has {x.Length} values but y has {y.Length}; they must have the same length.");
    }
}
