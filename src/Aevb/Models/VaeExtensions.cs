using Aevb.Tensors;

namespace Aevb.Models;

/// <summary>
/// What one does with a trained <see cref="Vae"/> besides training it: encode data to the posterior means,
/// decode latent codes to the decoder's means, reconstruct, and draw samples from the generative model.
/// </summary>
/// <remarks>
/// All four run the MLPs in chunks of <see cref="ChunkSize"/> rows (the last one padded), so the layers'
/// reused buffers keep the shape they have during training with M = 100 and nothing is reallocated.
/// They only run forward passes: no gradient is touched, so they are safe to call between training steps.
/// Results are fresh tensors the caller owns.
/// </remarks>
public static class VaeExtensions
{
    /// <summary>Rows per forward pass (the paper's minibatch size).</summary>
    public const int ChunkSize = 100;

    /// <summary>
    /// The means μ(x) of q(z|x) for every row of <paramref name="x"/> (<c>[N, InputSize]</c> row-major):
    /// <c>[N, LatentSize]</c>. These are the points plotted in a latent-space scatter.
    /// </summary>
    public static Tensor Encode(this Vae model, ReadOnlySpan<float> x)
    {
        var n = Rows(x.Length, model.InputSize, "data");
        var result = new Tensor(n, model.LatentSize);
        var chunk = new Tensor(ChunkSize, model.InputSize);
        var latent = model.LatentSize;
        for (var start = 0; start < n; start += ChunkSize)
        {
            var rows = Fill(chunk, x, start, n);
            var (mu, _) = model.Encoder.Forward(chunk);
            mu.Span[..(rows * latent)].CopyTo(result.Span.Slice(start * latent, rows * latent));
        }
        return result;
    }

    /// <summary>
    /// The decoder's mean for every latent code in <paramref name="z"/> (<c>[N, LatentSize]</c>):
    /// <c>[N, InputSize]</c> pixel probabilities (Bernoulli) or sigmoid means (Gaussian).
    /// The paper's figures of samples and manifolds show these means, not draws from p(x|z).
    /// </summary>
    public static Tensor Decode(this Vae model, ReadOnlySpan<float> z)
    {
        var n = Rows(z.Length, model.LatentSize, "latent codes");
        var result = new Tensor(n, model.InputSize);
        var chunk = new Tensor(ChunkSize, model.LatentSize);
        var d = model.InputSize;
        for (var start = 0; start < n; start += ChunkSize)
        {
            var rows = Fill(chunk, z, start, n);
            var mean = model.Decoder.Forward(chunk);
            mean.Span[..(rows * d)].CopyTo(result.Span.Slice(start * d, rows * d));
        }
        return result;
    }

    /// <summary>
    /// <c>Decode(Encode(x))</c>: each datapoint mapped to its posterior mean and back to the decoder's mean,
    /// <c>[N, InputSize]</c> (the deterministic reconstruction, without the noise of a sampled z).
    /// </summary>
    public static Tensor Reconstruct(this Vae model, ReadOnlySpan<float> x) => model.Decode(model.Encode(x).Span);

    /// <summary>
    /// <paramref name="count"/> draws from the generative model: <c>z ~ N(0, I)</c> from <paramref name="rng"/>,
    /// decoded to the decoder's means, <c>[count, InputSize]</c> (the paper's Figure 5).
    /// </summary>
    public static Tensor Sample(this Vae model, int count, Rng rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentNullException.ThrowIfNull(rng);
        var z = new float[count * model.LatentSize];
        rng.FillNormal(z);
        return model.Decode(z);
    }

    private static int Rows(int length, int width, string what)
    {
        if (length == 0 || length % width != 0)
            throw new ArgumentException($"The {what} have {length} values, not a positive multiple of the model's {width} per row.");
        return length / width;
    }

    /// <summary>Copies rows <c>start..</c> of <paramref name="source"/> into <paramref name="chunk"/>, zero-padding the tail; returns the rows copied.</summary>
    private static int Fill(Tensor chunk, ReadOnlySpan<float> source, int start, int n)
    {
        var rows = Math.Min(chunk.Rows, n - start);
        var d = chunk.Cols;
        source.Slice(start * d, rows * d).CopyTo(chunk.Span);
        if (rows < chunk.Rows) chunk.Span[(rows * d)..].Clear();
        return rows;
    }
}
