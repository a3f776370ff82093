using System.Numerics;
using Aevb.Tensors;

namespace Aevb.Data;

/// <summary>How MNIST intensities are turned into the Bernoulli decoder's targets.</summary>
public enum Binarization
{
    /// <summary>Intensities in [0, 1] used directly as targets (Bernoulli means): our default; the paper does not say whether it binarized MNIST.</summary>
    None,

    /// <summary>Each pixel sampled once, <c>x ~ Bernoulli(intensity)</c>, with a fixed seed: one binary data set.</summary>
    Static,

    /// <summary>
    /// Intensities kept in the data set and resampled every time a minibatch is drawn
    /// (<see cref="Binarizer.SampleInPlace(Span{float}, Rng)"/>); the usual choice for binary-MNIST likelihoods.
    /// </summary>
    Dynamic,
}

/// <summary>Bernoulli sampling of intensities, allocation-free, for static and dynamic binarization.</summary>
public static class Binarizer
{
    /// <summary><c>values[i] = u_i &lt; values[i] ? 1 : 0</c> with fresh uniforms from <paramref name="rng"/>.</summary>
    public static void SampleInPlace(Span<float> values, Rng rng) => Sample(values, values, rng);

    /// <summary><c>destination[i] = u_i &lt; means[i] ? 1 : 0</c> with uniforms drawn from <paramref name="rng"/> in order.</summary>
    public static void Sample(ReadOnlySpan<float> means, Span<float> destination, Rng rng)
    {
        if (destination.Length < means.Length) throw new ArgumentException("Destination is shorter than the means.", nameof(destination));
        // One uniform per element, in element order, so the result depends only on the seed and
        // the data, not on the vector width of the machine.
        for (var i = 0; i < means.Length; i++) destination[i] = rng.NextFloat() < means[i] ? 1f : 0f;
    }

    /// <summary>
    /// <c>destination[i] = uniforms[i] &lt; means[i] ? 1 : 0</c> with uniforms the caller drew
    /// (e.g. in bulk from its own generator); vectorised. A mean of 0 always gives 0 and a mean of 1
    /// always gives 1 for uniforms in [0, 1).
    /// </summary>
    public static void Sample(ReadOnlySpan<float> means, ReadOnlySpan<float> uniforms, Span<float> destination)
    {
        if (uniforms.Length < means.Length) throw new ArgumentException("Fewer uniforms than means.", nameof(uniforms));
        if (destination.Length < means.Length) throw new ArgumentException("Destination is shorter than the means.", nameof(destination));
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var one = Vector<float>.One;
            for (; i <= means.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var less = Vector.LessThan(new Vector<float>(uniforms[i..]), new Vector<float>(means[i..]));
                Vector.ConditionalSelect(less, one, Vector<float>.Zero).CopyTo(destination[i..]);
            }
        }
        for (; i < means.Length; i++) destination[i] = uniforms[i] < means[i] ? 1f : 0f;
    }
}
